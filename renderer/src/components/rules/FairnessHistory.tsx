/**
 * The fairness report kept with a published version (in the version
 * history), and the current scores' report (Overview): the stored report as
 * it was when the version was approved, with the approver's acknowledgement
 * of its flags.
 */
import { Alert, Loader, Modal, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { call } from '../../api';
import { ErrorNote } from '../ErrorNote';
import { FairnessReportView } from './FairnessReport';

function StoredReport({ version }: { version: number }) {
  const { t } = useTranslation('fairness');
  const { data, error, isLoading } = useQuery({ queryKey: ['fairnessReport', version], queryFn: () => call('fairnessReport', { version }) });
  if (isLoading) return <Loader size="sm" aria-label={t('history.loading')} />;
  if (error || !data) return <ErrorNote error={error} />;
  if (!data.report) return <Text size="sm">{t('history.none', { version })}</Text>;
  return (
    <Stack gap="sm">
      {data.acknowledgement && (
        <Alert color="orange" variant="light" data-testid="fairness-acknowledged">
          {t('history.acknowledged', { by: data.acknowledgedBy, reason: data.acknowledgement })}
        </Alert>
      )}
      {data.operationId !== null && (
        <Text size="xs" c="dimmed">
          {t('history.operation', { id: data.operationId })}
        </Text>
      )}
      <FairnessReportView report={data.report} subject="version" csv={{ version }} />
    </Stack>
  );
}

/** The report of one published version, in a modal; closed while `version` is null. */
export function FairnessVersionModal({ version, onClose }: { version: number | null; onClose: () => void }) {
  const { t } = useTranslation('fairness');
  return (
    <Modal opened={version !== null} onClose={onClose} size="90%" title={<Text fw={700}>{t('history.title', { version })}</Text>} data-testid="fairness-version-modal">
      {version !== null && <StoredReport version={version} />}
    </Modal>
  );
}

/** The Overview's report: the current scores under the current ruleset, by district and age band. */
export function CurrentFairnessPanel() {
  const { t } = useTranslation('fairness');
  const { data, error, isLoading } = useQuery({ queryKey: ['fairnessReport', 'current'], queryFn: () => call('fairnessReport', {}) });
  if (isLoading) return <Loader size="sm" aria-label={t('overview.loading')} />;
  if (error || !data) return <ErrorNote error={error} />;
  if (!data.report) return null;
  return <FairnessReportView report={data.report} subject="current" csv={{}} />;
}
