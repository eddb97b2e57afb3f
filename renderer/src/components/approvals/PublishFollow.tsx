/**
 * Follows the publish job an approved ruleset starts, and reports the
 * outcome. Kept by the page, not the proposal's card: the card leaves the
 * pending list as soon as the proposal is approved. Afterwards every cached
 * query is refetched, since every score may have changed.
 */
import { Alert, Anchor, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { JobStatus, Proposal } from '../../../../shared/contract';
import { count } from '../../format';
import { JobProgress } from '../JobProgress';
import { EvaluationErrorsTable } from '../rules/SimulationTables';
import { rulesetOf } from './proposalText';
import { useRuleText } from '../../i18n/ruleText';
import { jobErrorText, keyedMessage } from '../../i18n/serverText';

export interface PublishRun {
  proposal: Proposal;
  jobId: string;
  status?: JobStatus;
}

export function PublishFollow({ run, onFinished, onDismiss }: { run: PublishRun; onFinished: (status: JobStatus) => void; onDismiss: () => void }) {
  const qc = useQueryClient();
  const { t } = useTranslation('approvals');
  const ruleText = useRuleText();
  const finished = (status: JobStatus) => {
    onFinished(status);
    const r = status.kind === 'publish' ? status.result : null;
    if (status.state === 'done' && r?.ok) notifications.show({ color: 'teal', title: t('publish.notified', { version: r.version }), message: r.scoring ? t('publish.notifiedScores', { n: count(r.scoring.scoresChanged) }) : undefined });
    void qc.invalidateQueries();
  };
  if (!run.status) {
    return (
      <Alert color="blue" title={t('publish.running', { id: run.proposal.id })} data-testid="publish-progress">
        <JobProgress key={run.jobId} jobId={run.jobId} onFinished={finished} />
      </Alert>
    );
  }
  const { status } = run;
  const r = status.kind === 'publish' ? status.result : null;
  if (status.state !== 'done' || !r) {
    return (
      <Alert color={status.state === 'cancelled' ? 'gray' : 'red'} title={t('publish.notPublished', { id: run.proposal.id })} withCloseButton onClose={onDismiss} data-testid="publish-outcome">
        {status.state === 'cancelled' ? t('publish.cancelled') : t('publish.failed', { error: jobErrorText(status) ?? t('publish.unknownError') })}
      </Alert>
    );
  }
  if (!r.ok) {
    return (
      <Alert color="red" title={t('publish.notPublished', { id: run.proposal.id })} withCloseButton onClose={onDismiss} data-testid="publish-outcome">
        {r.problems.map((p) => keyedMessage(p)).join('; ')}
      </Alert>
    );
  }
  return (
    <Alert color="teal" title={t('publish.published', { id: run.proposal.id, version: r.version })} withCloseButton onClose={onDismiss} data-testid="publish-outcome">
      <Stack gap={6}>
        {r.scoring && (
          <Text size="sm">
            {r.operationId !== undefined ? (
              <Trans
                i18nKey="approvals:publish.scoringBy"
                values={{ changed: count(r.scoring.scoresChanged), citizens: count(r.scoring.citizens), entries: count(r.scoring.ledgerEntries), op: r.operationId }}
                components={{ lnk: <Anchor component={Link} href={`/operations/${r.operationId}`} size="sm" /> }}
              />
            ) : (
              t('publish.scoring', { changed: count(r.scoring.scoresChanged), citizens: count(r.scoring.citizens), entries: count(r.scoring.ledgerEntries) })
            )}
          </Text>
        )}
        {(r.evaluationErrors?.length ?? 0) > 0 && <EvaluationErrorsTable errors={r.evaluationErrors ?? []} ruleNames={new Map(rulesetOf(run.proposal)?.rules.map((x) => [x.id, ruleText.name(x)]) ?? [])} />}
      </Stack>
    </Alert>
  );
}
