/**
 * Publish the draft as a new version: a written reason, a confirmation that
 * says what will happen, the publish job, and the outcome. Afterwards every
 * cached query is refetched, since every score may have changed.
 */
import { Alert, Anchor, Button, Card, Group, List, Modal, Stack, Text, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import type { PublishResult } from '../../../../shared/contract';
import { call } from '../../api';
import { count } from '../../format';
import { ErrorNote } from '../ErrorNote';
import { JobProgress } from '../JobProgress';
import { ProblemList } from './DraftEditor';
import type { DraftRuleset, Problem } from './draft';
import { EvaluationErrorsTable } from './SimulationTables';
import { hasFigures, type SimulationRun } from './SimulatePanel';
import { tierMoves } from './TransitionMatrix';

interface Props {
  draft: DraftRuleset;
  draftKey: string;
  changes: string;
  hasChanges: boolean;
  valid: boolean;
  validating: boolean;
  nextVersion: number;
  simulation: SimulationRun | null;
  ruleNames: Map<string, string>;
  onPublished: (publishedKey: string) => void;
  onOpenProblem: (p: Problem) => void;
}

const MIN_REASON = 10;

export function PublishPanel({ draft, draftKey, changes, hasChanges, valid, validating, nextVersion, simulation, ruleNames, onPublished, onOpenProblem }: Props) {
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [job, setJob] = useState<{ jobId: string; key: string } | null>(null);
  const [outcome, setOutcome] = useState<{ result?: PublishResult; failure?: string } | null>(null);
  const start = useMutation({
    mutationFn: () => call('publishRuleset', { ruleset: draft, reason: reason.trim() }),
    onSuccess: ({ jobId }) => {
      setConfirming(false);
      setOutcome(null);
      setJob({ jobId, key: draftKey });
    },
  });

  const reasonOk = reason.trim().length >= MIN_REASON;
  const blockers = [
    !hasChanges && 'the draft is the same as the published ruleset',
    !valid && !validating && 'the draft has problems',
    validating && 'the draft is being checked',
    !reasonOk && `write a reason of at least ${MIN_REASON} characters`,
  ].filter(Boolean) as string[];
  const simulated = simulation?.result?.ok && hasFigures(simulation.result) && simulation.key === draftKey ? simulation.result : null;
  const moves = simulated ? tierMoves(simulated.transitions, simulated.tiers) : null;

  const finished = (state: string, result: unknown, error: string | null) => {
    const key = job?.key ?? '';
    setJob(null);
    if (state !== 'done' || !result) {
      setOutcome({ failure: state === 'cancelled' ? 'Publishing was cancelled: nothing was changed.' : `Publishing failed: ${error ?? 'unknown error'}` });
      return;
    }
    const r = result as PublishResult;
    setOutcome({ result: r });
    if (r.ok) {
      setReason('');
      notifications.show({ color: 'teal', title: `Ruleset version ${r.version} published`, message: r.scoring ? `${count(r.scoring.scoresChanged)} scores changed` : undefined });
      onPublished(key);
      void queryClient.invalidateQueries();
    }
  };

  return (
    <Card withBorder padding="md">
      <Stack gap="sm">
        <Title order={4}>Publish</Title>
        <Text size="sm" c="dimmed">
          Publishing makes the draft version {nextVersion}, recomputes every score now and writes a ledger entry for each citizen whose score or tier changes. It is recorded as an operation with your name and reason.
        </Text>
        <Textarea
          label="Reason"
          description="Why this change: it is kept with the version and shown to auditors"
          placeholder="e.g. Cap volunteering at +30 after the council decision of 12 October"
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          autosize
          minRows={2}
          maxRows={6}
          maxLength={2000}
          error={reason.length > 0 && !reasonOk ? `at least ${MIN_REASON} characters (${reason.trim().length} so far)` : undefined}
          data-testid="publish-reason"
        />
        <Group>
          <Button color="red" onClick={() => setConfirming(true)} disabled={blockers.length > 0 || job !== null} data-testid="publish-button">
            Publish as version {nextVersion}…
          </Button>
          {blockers.length > 0 && (
            <Text size="sm" c="dimmed">
              Not yet: {blockers.join('; ')}.
            </Text>
          )}
        </Group>
        <ErrorNote error={start.error} title="Publishing could not start" />
        {job && <JobProgress key={job.jobId} jobId={job.jobId} onFinished={(s) => finished(s.state, s.result, s.error)} />}
        {outcome?.failure && <Alert color="red">{outcome.failure}</Alert>}
        {outcome?.result && !outcome.result.ok && <ProblemList problems={outcome.result.problems} onOpen={onOpenProblem} />}
        {outcome?.result?.ok && (
          <Alert color="teal" title={`Version ${outcome.result.version} is published`} data-testid="publish-result">
            <Stack gap={6}>
              {outcome.result.scoring && (
                <Text size="sm">
                  {count(outcome.result.scoring.scoresChanged)} of {count(outcome.result.scoring.citizens)} scores changed; {count(outcome.result.scoring.ledgerEntries)} ledger entries written
                  {outcome.result.operationId !== undefined && (
                    <>
                      {' '}
                      by{' '}
                      <Anchor component={Link} href={`/operations/${outcome.result.operationId}`} size="sm">
                        operation #{outcome.result.operationId}
                      </Anchor>
                    </>
                  )}
                  .
                </Text>
              )}
              {(outcome.result.evaluationErrors?.length ?? 0) > 0 && <EvaluationErrorsTable errors={outcome.result.evaluationErrors ?? []} ruleNames={ruleNames} />}
            </Stack>
          </Alert>
        )}
      </Stack>
      <Modal opened={confirming} onClose={() => setConfirming(false)} title={<Text fw={700}>Publish ruleset version {nextVersion}?</Text>} size="lg">
        <Stack gap="sm">
          <List size="sm" spacing={4}>
            <List.Item>
              {draft.rules.length} rules; compared with the published ruleset: {changes}.
            </List.Item>
            {simulated && moves ? (
              <List.Item>
                Simulated: {count(simulated.changed)} of {count(simulated.citizens)} scores change, {count(moves.up)} citizens move up a tier and {count(moves.down)} down.
              </List.Item>
            ) : (
              <List.Item>
                <Text span size="sm" c="orange.8" fw={600}>
                  This draft has not been simulated{simulation?.result ? ' since its last change' : ''}
                </Text>
                : you have not seen what it does to the population.
              </List.Item>
            )}
            <List.Item>Every score is recomputed now; each change is written to the ledger and cannot be removed. An earlier version can always be restored as a new draft.</List.Item>
          </List>
          <Text size="sm">
            Reason: <i>“{reason.trim()}”</i>
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
            <Button color="red" onClick={() => start.mutate()} loading={start.isPending} data-testid="publish-confirm">
              Publish version {nextVersion}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}
