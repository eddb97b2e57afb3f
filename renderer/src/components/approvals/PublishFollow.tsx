/**
 * Follows the publish job an approved ruleset starts, and reports the
 * outcome. Kept by the page, not the proposal's card: the card leaves the
 * pending list as soon as the proposal is approved. Afterwards every cached
 * query is refetched, since every score may have changed.
 */
import { Alert, Anchor, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { Link } from 'wouter';
import type { JobStatus, Proposal, PublishResult } from '../../../../shared/contract';
import { count } from '../../format';
import { JobProgress } from '../JobProgress';
import { EvaluationErrorsTable } from '../rules/SimulationTables';
import { rulesetOf } from './proposalText';
import { useRuleText } from '../../i18n/ruleText';

export interface PublishRun {
  proposal: Proposal;
  jobId: string;
  status?: JobStatus;
}

export function PublishFollow({ run, onFinished, onDismiss }: { run: PublishRun; onFinished: (status: JobStatus) => void; onDismiss: () => void }) {
  const qc = useQueryClient();
  const ruleText = useRuleText();
  const finished = (status: JobStatus) => {
    onFinished(status);
    const r = status.result as PublishResult | null;
    if (status.state === 'done' && r?.ok) notifications.show({ color: 'teal', title: `Ruleset version ${r.version} published`, message: r.scoring ? `${count(r.scoring.scoresChanged)} scores changed` : undefined });
    void qc.invalidateQueries();
  };
  if (!run.status) {
    return (
      <Alert color="blue" title={`Publishing proposal #${run.proposal.id}`} data-testid="publish-progress">
        <JobProgress key={run.jobId} jobId={run.jobId} onFinished={finished} />
      </Alert>
    );
  }
  const { status } = run;
  const r = status.result as PublishResult | null;
  if (status.state !== 'done' || !r) {
    return (
      <Alert color={status.state === 'cancelled' ? 'gray' : 'red'} title={`Proposal #${run.proposal.id} was not published`} withCloseButton onClose={onDismiss} data-testid="publish-outcome">
        {status.state === 'cancelled' ? 'Publishing was cancelled: nothing was changed.' : `Publishing failed: ${status.error ?? 'unknown error'}.`} The proposal is still pending.
      </Alert>
    );
  }
  if (!r.ok) {
    return (
      <Alert color="red" title={`Proposal #${run.proposal.id} was not published`} withCloseButton onClose={onDismiss} data-testid="publish-outcome">
        {r.problems.map((p) => p.message).join('; ')}
      </Alert>
    );
  }
  return (
    <Alert color="teal" title={`Proposal #${run.proposal.id} approved: version ${r.version} is published`} withCloseButton onClose={onDismiss} data-testid="publish-outcome">
      <Stack gap={6}>
        {r.scoring && (
          <Text size="sm">
            {count(r.scoring.scoresChanged)} of {count(r.scoring.citizens)} scores changed; {count(r.scoring.ledgerEntries)} ledger entries written
            {r.operationId !== undefined && (
              <>
                {' '}
                by{' '}
                <Anchor component={Link} href={`/operations/${r.operationId}`} size="sm">
                  operation #{r.operationId}
                </Anchor>
              </>
            )}
            .
          </Text>
        )}
        {(r.evaluationErrors?.length ?? 0) > 0 && <EvaluationErrorsTable errors={r.evaluationErrors ?? []} ruleNames={new Map(rulesetOf(run.proposal)?.rules.map((x) => [x.id, ruleText.name(x)]) ?? [])} />}
      </Stack>
    </Alert>
  );
}
