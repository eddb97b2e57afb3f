/**
 * Picking the interchange files: a folder (the browser's and Electron's folder
 * dialog), loose files, or a drag and drop; then the recognised files with
 * their sizes, line counts and whether they can be sent.
 */
import { ActionIcon, Alert, Badge, Button, Group, Paper, Stack, Table, Text, Tooltip } from '@mantine/core';
import { useRef, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { count } from '../../format';
import { andList, seriesList } from '../../lists';
import { addToSelection, filesFromDrop, formatBytes, IMPORT_FILE_NAMES, selectionProblems, type FileProblem, type IgnoredFile, type Selection } from './importSelection';

/** Chromium's folder picker; React passes the unknown attribute through. */
const FOLDER_ATTRS = { webkitdirectory: '', directory: '' } as Record<string, string>;

/** Why a picked file cannot be sent, in the reader's words. */
function useFileProblemText(): (p: FileProblem) => string {
  const { t } = useTranslation('import');
  return (p) => (p.code === 'notUtf8' ? t('fileError.notUtf8', { line: p.line }) : p.code === 'utf16' ? t('fileError.utf16') : t('fileError.tooLarge'));
}

function IgnoredFiles({ ignored }: { ignored: IgnoredFile[] }) {
  const { t } = useTranslation('import');
  const shown = ignored.slice(0, 8).map((f) => (f.duplicateOf ? t('picker.ignoredDuplicate', { source: f.source, name: f.duplicateOf }) : f.source));
  const names = seriesList(shown);
  return (
    <Text size="xs" c="dimmed" data-testid="import-ignored">
      {ignored.length > 8 ? t('picker.ignoredMore', { count: ignored.length, names, more: ignored.length - 8 }) : t('picker.ignored', { count: ignored.length, names })}
    </Text>
  );
}

export function FilePicker({ selection, onChange, disabled }: { selection: Selection; onChange: (s: Selection) => void; disabled?: boolean }) {
  const { t } = useTranslation('import');
  const problemText = useFileProblemText();
  const folderInput = useRef<HTMLInputElement>(null);
  const filesInput = useRef<HTMLInputElement>(null);
  const [reading, setReading] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [readError, setReadError] = useState<string | null>(null);

  const take = async (files: File[], replace: boolean) => {
    setReading(true);
    setReadError(null);
    try {
      onChange(await addToSelection(selection, files, replace));
    } catch (err) {
      setReadError(t('picker.readError', { error: (err as Error).message }));
    } finally {
      setReading(false);
    }
  };
  const fromInput = (input: HTMLInputElement | null, replace: boolean) => {
    if (!input?.files) return;
    const files = Array.from(input.files);
    // Clearing the input lets the same folder be picked again after a file in it was fixed.
    input.value = '';
    if (files.length) void take(files, replace);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    if (disabled) return;
    void filesFromDrop(e.dataTransfer).then(({ files, folder }) => take(files, folder));
  };
  const problems = selectionProblems(selection);

  return (
    <Stack gap="sm">
      <Paper
        withBorder
        p="md"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        bg={dragging ? 'indigo.0' : undefined}
        style={{ borderStyle: 'dashed' }}
        data-testid="import-dropzone"
      >
        <Group justify="space-between" wrap="wrap">
          <Group gap="sm">
            <Button onClick={() => folderInput.current?.click()} disabled={disabled} loading={reading} data-testid="import-pick-folder">
              {t('picker.chooseFolder')}
            </Button>
            <Button variant="default" onClick={() => filesInput.current?.click()} disabled={disabled || reading} data-testid="import-pick-files">
              {t('picker.addFiles')}
            </Button>
            {selection.files.length > 0 && (
              <Button variant="subtle" color="gray" onClick={() => onChange({ files: [], ignored: [] })} disabled={disabled} data-testid="import-clear">
                {t('picker.clear')}
              </Button>
            )}
          </Group>
          <Text size="sm" c="dimmed">
            {t('picker.drop')}
          </Text>
        </Group>
        <input ref={folderInput} type="file" multiple hidden {...FOLDER_ATTRS} onChange={(e) => fromInput(e.currentTarget, true)} data-testid="import-folder-input" />
        <input
          ref={filesInput}
          type="file"
          multiple
          hidden
          accept={[...new Set(IMPORT_FILE_NAMES.map((n) => n.slice(n.indexOf('.'))))].join(',')}
          onChange={(e) => fromInput(e.currentTarget, false)}
          data-testid="import-files-input"
        />
      </Paper>

      {readError && <Alert color="red">{readError}</Alert>}

      {selection.files.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="import-no-files">
          {t('picker.noFiles', { names: andList(IMPORT_FILE_NAMES) })}
        </Text>
      ) : (
        <Table withTableBorder verticalSpacing={6} data-testid="import-file-list">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('picker.file')}</Table.Th>
              <Table.Th>{t('picker.pickedFrom')}</Table.Th>
              <Table.Th ta="right">{t('picker.size')}</Table.Th>
              <Table.Th ta="right">{t('picker.lines')}</Table.Th>
              <Table.Th>{t('picker.status')}</Table.Th>
              <Table.Th w={40} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {selection.files.map((f) => (
              <Table.Tr key={f.name} data-testid={`import-file-${f.name}`}>
                <Table.Td ff="monospace">{f.name}</Table.Td>
                <Table.Td c="dimmed" fz="sm">
                  {f.source}
                </Table.Td>
                <Table.Td ta="right">{formatBytes(f.bytes)}</Table.Td>
                <Table.Td ta="right">{f.lines === null ? '—' : count(f.lines)}</Table.Td>
                <Table.Td>
                  {f.error ? (
                    <Text size="sm" c="red">
                      {problemText(f.error)}
                    </Text>
                  ) : (
                    <Badge color="gray" variant="light" tt="none">
                      {t('picker.readOk')}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  <Tooltip label={t('picker.leaveOut', { name: f.name })}>
                    <ActionIcon variant="subtle" color="gray" aria-label={t('picker.remove', { name: f.name })} disabled={disabled} onClick={() => onChange({ ...selection, files: selection.files.filter((x) => x.name !== f.name) })}>
                      ×
                    </ActionIcon>
                  </Tooltip>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}

      {selection.ignored.length > 0 && <IgnoredFiles ignored={selection.ignored} />}

      {(problems.files.length > 0 || problems.together.length > 0) && (
        <Alert color="orange" title={t('picker.problemsTitle')} data-testid="import-selection-problems">
          <Stack gap={2}>
            {problems.files.length > 0 && (
              <Text size="sm">{t('picker.fixThem', { count: problems.files.length, names: andList(problems.files) })}</Text>
            )}
            {problems.together.map((p) => (
              <Text key={p} size="sm">
                {p === 'bothEvents' && t('picker.bothEvents')}
              </Text>
            ))}
          </Stack>
        </Alert>
      )}
    </Stack>
  );
}
