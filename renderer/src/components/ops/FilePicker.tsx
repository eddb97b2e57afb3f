/**
 * Picking the interchange files: a folder (the browser's and Electron's folder
 * dialog), loose files, or a drag and drop; then the recognised files with
 * their sizes, line counts and whether they can be sent.
 */
import { ActionIcon, Alert, Badge, Button, Group, Paper, Stack, Table, Text, Tooltip } from '@mantine/core';
import { useRef, useState, type DragEvent } from 'react';
import { count } from '../../format';
import { addToSelection, filesFromDrop, formatBytes, IMPORT_FILE_NAMES, selectionProblems, type Selection } from './importSelection';

/** Chromium's folder picker; React passes the unknown attribute through. */
const FOLDER_ATTRS = { webkitdirectory: '', directory: '' } as Record<string, string>;

export function FilePicker({ selection, onChange, disabled }: { selection: Selection; onChange: (s: Selection) => void; disabled?: boolean }) {
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
      setReadError(`Could not read the files: ${(err as Error).message}. If they changed on disk, pick them again.`);
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
              Choose folder…
            </Button>
            <Button variant="default" onClick={() => filesInput.current?.click()} disabled={disabled || reading} data-testid="import-pick-files">
              Add files…
            </Button>
            {selection.files.length > 0 && (
              <Button variant="subtle" color="gray" onClick={() => onChange({ files: [], ignored: [] })} disabled={disabled} data-testid="import-clear">
                Clear
              </Button>
            )}
          </Group>
          <Text size="sm" c="dimmed">
            or drop a folder or files here
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
          No file chosen yet. The import recognises {IMPORT_FILE_NAMES.join(', ')}; other files in the folder are left out.
        </Text>
      ) : (
        <Table withTableBorder verticalSpacing={6} data-testid="import-file-list">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>File</Table.Th>
              <Table.Th>Picked from</Table.Th>
              <Table.Th ta="right">Size</Table.Th>
              <Table.Th ta="right">Lines</Table.Th>
              <Table.Th>Status</Table.Th>
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
                      {f.error}
                    </Text>
                  ) : (
                    <Badge color="gray" variant="light" tt="none">
                      read, UTF-8
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  <Tooltip label={`Leave ${f.name} out`}>
                    <ActionIcon variant="subtle" color="gray" aria-label={`Remove ${f.name}`} disabled={disabled} onClick={() => onChange({ ...selection, files: selection.files.filter((x) => x.name !== f.name) })}>
                      ×
                    </ActionIcon>
                  </Tooltip>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}

      {selection.ignored.length > 0 && (
        <Text size="xs" c="dimmed" data-testid="import-ignored">
          Left out ({selection.ignored.length}, not part of the import format): {selection.ignored.slice(0, 8).join(', ')}
          {selection.ignored.length > 8 ? `, and ${selection.ignored.length - 8} more` : ''}
        </Text>
      )}

      {(problems.files.length > 0 || problems.together.length > 0) && (
        <Alert color="orange" title="These files cannot be sent as they are" data-testid="import-selection-problems">
          <Stack gap={2}>
            {problems.files.length > 0 && (
              <Text size="sm">
                Fix {problems.files.join(' and ')} as described in red above and choose {problems.files.length === 1 ? 'it' : 'them'} again, or remove{' '}
                {problems.files.length === 1 ? 'it' : 'them'} with ×.
              </Text>
            )}
            {problems.together.map((p) => (
              <Text key={p} size="sm">
                {p}
              </Text>
            ))}
          </Stack>
        </Alert>
      )}
    </Stack>
  );
}
