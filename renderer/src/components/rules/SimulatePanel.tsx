/**
 * Simulate the draft over the whole population (the real publish in a
 * transaction that is rolled back) and show what it would do. The result is
 * tied to the draft it was run on, so a later edit marks it out of date.
 */
import { Alert, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { jobErrorText } from '../../i18n/serverText';
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
  /** The failure is a cancellation (shown in grey, not red). */
  cancelled?: boolean;
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
  const { t } = useTranslation('rules');
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
            <Title order={4}>{t('simulate.title')}</Title>
            <Text size="sm" c="dimmed">
              {t('simulate.intro')}
            </Text>
          </div>
          <Button onClick={() => start.mutate()} loading={start.isPending} disabled={!valid || validating || running} data-testid="simulate-button">
            {run && !stale && !running ? t('simulate.again') : t('simulate.run')}
          </Button>
        </Group>
        {!valid && !validating && (
          <Text size="sm" c="red.9">
            {t('simulate.fixFirst')}
          </Text>
        )}
        <ErrorNote error={start.error} title={t('simulate.startFailed')} />
        {run && running && (
          <JobProgress
            key={run.jobId}
            jobId={run.jobId}
            onFinished={(status) => {
              if (status.kind === 'simulate' && status.state === 'done' && status.result) onRun({ ...run, result: status.result });
              else if (status.state === 'cancelled') onRun({ ...run, failure: t('simulate.cancelled'), cancelled: true });
              else onRun({ ...run, failure: t('simulate.failed', { error: jobErrorText(status) ?? t('simulate.unknownError') }) });
            }}
          />
        )}
        {run?.failure && (
          <Alert color={run.cancelled ? 'gray' : 'red'} data-testid="simulation-failure">
            {run.failure}
          </Alert>
        )}
        {stale && run?.result && (
          <Alert color="yellow" data-testid="simulation-stale">
            {t('simulate.stale')}
          </Alert>
        )}
        {run?.result && !run.result.ok && <ProblemList problems={run.result.problems} onOpen={onOpenProblem} />}
        {run?.result?.ok && hasFigures(run.result) && (
          <div style={{ opacity: stale ? 0.55 : 1 }}>
            <SimulationResults result={run.result} ruleNames={ruleNames} />
          </div>
        )}
        {run?.result?.ok && !hasFigures(run.result) && (
          <Alert color="orange" title={t('simulate.incompleteTitle')} data-testid="simulation-incomplete">
            <Stack gap="xs">
              <Text size="sm">
                {t('simulate.incompleteBody')}
              </Text>
              {Array.isArray(run.result.evaluationErrors) && <EvaluationErrorsTable errors={run.result.evaluationErrors} ruleNames={ruleNames} />}
            </Stack>
          </Alert>
        )}
      </Stack>
    </Card>
  );
}
