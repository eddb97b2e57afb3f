/**
 * Simulate the draft over the whole population (the real publish in a
 * transaction that is rolled back) and show what it would do. The result is
 * tied to the draft it was run on, so a later edit marks it out of date.
 */
import { Alert, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import type { SimulationResult } from '../../../../shared/contract';
import { call } from '../../api';
import { ErrorNote } from '../ErrorNote';
import { JobProgress } from '../JobProgress';
import { ProblemList } from './DraftEditor';
import type { DraftRuleset, Problem } from './draft';
import { SimulationResults } from './SimulationResults';
import { EvaluationErrorsTable } from './SimulationTables';

/** The jobStatus reply may carry a result without the simulation's figures; show only what truly arrived. */
export function hasFigures(r: SimulationResult): boolean {
  return Array.isArray(r.histogram) && Array.isArray(r.transitions) && Array.isArray(r.tiers) && Array.isArray(r.districts) && Array.isArray(r.topUp) && Array.isArray(r.topDown);
}

export interface SimulationRun {
  jobId: string;
  /** canonical() of the draft that was simulated. */
  key: string;
  result?: SimulationResult;
  failure?: string;
}

interface Props {
  draft: DraftRuleset;
  draftKey: string;
  valid: boolean;
  validating: boolean;
  run: SimulationRun | null;
  onRun: (run: SimulationRun | null) => void;
  ruleNames: Map<string, string>;
  onOpenProblem: (p: Problem) => void;
}

export function SimulatePanel({ draft, draftKey, valid, validating, run, onRun, ruleNames, onOpenProblem }: Props) {
  const start = useMutation({
    mutationFn: () => call('simulate', { ruleset: draft }),
    onSuccess: ({ jobId }) => onRun({ jobId, key: draftKey }),
  });
  const stale = run !== null && run.key !== draftKey;
  const running = run !== null && !run.result && !run.failure;
  return (
    <Card withBorder padding="md">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <div>
            <Title order={4}>Simulate over the whole population</Title>
            <Text size="sm" c="dimmed">
              Scores every citizen under the draft exactly as publishing would, then rolls everything back: nothing is written and no ledger entry is made.
            </Text>
          </div>
          <Button onClick={() => start.mutate()} loading={start.isPending} disabled={!valid || validating || running} data-testid="simulate-button">
            {run && !stale && !running ? 'Simulate again' : 'Simulate the draft'}
          </Button>
        </Group>
        {!valid && !validating && (
          <Text size="sm" c="red.8">
            Fix the draft's problems first.
          </Text>
        )}
        <ErrorNote error={start.error} title="The simulation could not start" />
        {run && running && (
          <JobProgress
            key={run.jobId}
            jobId={run.jobId}
            onFinished={(status) => {
              if (status.state === 'done' && status.result) onRun({ ...run, result: status.result as SimulationResult });
              else onRun({ ...run, failure: status.state === 'cancelled' ? 'The simulation was cancelled.' : `The simulation failed: ${status.error ?? 'unknown error'}` });
            }}
          />
        )}
        {run?.failure && (
          <Alert color={run.failure.includes('cancelled') ? 'gray' : 'red'} data-testid="simulation-failure">
            {run.failure}
          </Alert>
        )}
        {stale && run?.result && (
          <Alert color="yellow" data-testid="simulation-stale">
            The draft changed after this simulation: these results describe an earlier draft. Simulate again before publishing.
          </Alert>
        )}
        {run?.result && !run.result.ok && <ProblemList problems={run.result.problems} onOpen={onOpenProblem} />}
        {run?.result?.ok && hasFigures(run.result) && (
          <div style={{ opacity: stale ? 0.55 : 1 }}>
            <SimulationResults result={run.result} ruleNames={ruleNames} />
          </div>
        )}
        {run?.result?.ok && !hasFigures(run.result) && (
          <Alert color="orange" title="The simulation ran, but its figures did not arrive" data-testid="simulation-incomplete">
            <Stack gap="xs">
              <Text size="sm">
                The server finished the simulation, but its reply carried no histogram, tier transitions, districts or movers, so there is nothing to compare. Please tell IT staff: the job status
                reply drops the figures of simulation results.
              </Text>
              {Array.isArray(run.result.evaluationErrors) && <EvaluationErrorsTable errors={run.result.evaluationErrors} ruleNames={ruleNames} />}
            </Stack>
          </Alert>
        )}
      </Stack>
    </Card>
  );
}
