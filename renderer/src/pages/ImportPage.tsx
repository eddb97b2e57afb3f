/**
 * Import: choose the interchange files, validate them (a dry run that checks
 * and scores everything, then rolls back), import them with a reason, and see
 * what was written or, row by row, why nothing was.
 */
import { Accordion, Button, Card, Group, SegmentedControl, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportResult, JobStatus } from '../../../shared/contract';
import { call } from '../api';
import { ErrorNote } from '../components/ErrorNote';
import { JobProgress } from '../components/JobProgress';
import { FilePicker } from '../components/ops/FilePicker';
import { FormatHelp } from '../components/ops/FormatHelp';
import { ImportReport } from '../components/ops/ImportReport';
import { canSend, type Selection } from '../components/ops/importSelection';
import { usePageTitle } from '../pageTitle';

type Source = 'files' | 'folder';
interface Run {
  jobId: string;
  dryRun: boolean;
}
const MIN_REASON = 10;

const isImportResult = (r: JobStatus['result']): r is ImportResult => !!r && 'counts' in r && 'problemCount' in r;

export function ImportPage() {
  const { t } = useTranslation('import');
  usePageTitle(t('title'));
  const queries = useQueryClient();
  const [source, setSource] = useState<Source>('files');
  const [selection, setSelection] = useState<Selection>({ files: [], ignored: [] });
  const [folder, setFolder] = useState('');
  const [reason, setReason] = useState('');
  const [provider, setProvider] = useState('');
  const [run, setRun] = useState<Run | null>(null);
  const [finished, setFinished] = useState<JobStatus | null>(null);
  const [startError, setStartError] = useState<unknown>(null);

  const running = run !== null && finished === null;
  const ready = source === 'files' ? canSend(selection) : folder.trim().length > 0;
  const reasonOk = reason.trim().length >= MIN_REASON;
  const providerOk = provider.trim().length > 0;

  /** A new choice of input makes the last report stale. */
  const resetReport = () => {
    if (running) return;
    setRun(null);
    setFinished(null);
    setStartError(null);
  };

  const start = async (dryRun: boolean) => {
    setStartError(null);
    setFinished(null);
    setRun(null);
    const why = reason.trim() || undefined;
    try {
      const { jobId } =
        source === 'files'
          ? await call('importFiles', { files: selection.files.map((f) => ({ name: f.name, content: f.content ?? '', source: f.source })), provider: provider.trim(), dryRun, reason: why })
          : await call('importFolder', { folder: folder.trim(), provider: provider.trim(), dryRun, reason: why });
      setRun({ jobId, dryRun });
    } catch (err) {
      setStartError(err);
    }
  };

  const onFinished = (status: JobStatus) => {
    setFinished(status);
    const result = status.result;
    if (!run?.dryRun && status.state === 'done' && isImportResult(result) && result.ok && result.operationId !== null) {
      // Citizens, scores, tiers, operations and the ledger all moved: refetch whatever is shown.
      void queries.invalidateQueries();
    }
  };

  const result = finished?.state === 'done' && isImportResult(finished.result) ? finished.result : null;

  return (
    <Stack maw={1100}>
      <div>
        <Title order={2}>{t('title')}</Title>
        <Text c="dimmed" size="sm">
          {t('intro')}
        </Text>
      </div>

      <Card withBorder>
        <Group justify="space-between" mb="sm">
          <Title order={4}>{t('step1')}</Title>
          <SegmentedControl
            size="xs"
            value={source}
            onChange={(v) => {
              setSource(v as Source);
              resetReport();
            }}
            disabled={running}
            data={[
              { value: 'files', label: t('sourceFiles') },
              { value: 'folder', label: t('sourceFolder') },
            ]}
            aria-label={t('sourceLabel')}
            data-testid="import-source"
          />
        </Group>
        {source === 'files' ? (
          <FilePicker
            selection={selection}
            disabled={running}
            onChange={(s) => {
              setSelection(s);
              resetReport();
            }}
          />
        ) : (
          <TextInput
            label={t('folder')}
            description={t('folderHelp')}
            placeholder="/data/exports/2026-11"
            value={folder}
            onChange={(e) => {
              setFolder(e.currentTarget.value);
              resetReport();
            }}
            disabled={running}
            data-testid="import-folder-path"
          />
        )}
      </Card>

      <Card withBorder>
        <Title order={4} mb="sm">
          {t('step2')}
        </Title>
        <Stack gap="sm">
          <TextInput
            label={t('provider')}
            description={t('providerHelp')}
            placeholder={t('providerPlaceholder')}
            maxLength={200}
            value={provider}
            onChange={(e) => setProvider(e.currentTarget.value)}
            disabled={running}
            withAsterisk
            data-testid="import-provider"
          />
          <Textarea
            label={t('reason')}
            description={t('reasonHelp', { min: MIN_REASON })}
            placeholder={t('reasonPlaceholder')}
            autosize
            minRows={2}
            maxLength={2000}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            disabled={running}
            data-testid="import-reason"
          />
          <Group>
            <Button variant="default" onClick={() => void start(true)} disabled={!ready || running || !providerOk} data-testid="import-validate">
              {t('validate')}
            </Button>
            <Button onClick={() => void start(false)} disabled={!ready || running || !reasonOk || !providerOk} data-testid="import-run">
              {t('run')}
            </Button>
            {!ready && !running && (
              <Text size="sm" c="dimmed">
                {source === 'folder' ? t('typeFolder') : selection.files.length ? t('fixFiles') : t('chooseFiles')}
              </Text>
            )}
            {ready && (!reasonOk || !providerOk) && !running && (
              <Text size="sm" c="dimmed">
                {!providerOk ? t('nameProvider') : t('giveReason')}
              </Text>
            )}
          </Group>
          <ErrorNote error={startError} title={t('startFailed')} />
          {run && (
            <Stack gap="sm" data-testid={run.dryRun ? 'import-validate-job' : 'import-run-job'}>
              <Text size="sm" fw={600}>
                {run.dryRun ? t('runningValidation') : t('runningImport')}
              </Text>
              {/* Once the report is in, the progress bar has said all it can. */}
              {!result && <JobProgress key={run.jobId} jobId={run.jobId} onFinished={onFinished} />}
              {result && <ImportReport result={result} dryRun={run.dryRun} />}
            </Stack>
          )}
        </Stack>
      </Card>

      <Accordion variant="contained" defaultValue="format">
        <Accordion.Item value="format">
          <Accordion.Control>{t('formatTitle')}</Accordion.Control>
          <Accordion.Panel>
            <FormatHelp />
          </Accordion.Panel>
        </Accordion.Item>
      </Accordion>
    </Stack>
  );
}
