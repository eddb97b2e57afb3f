/**
 * What a proposed ruleset would change: its size, the diff against the
 * published version (rules, parameters, tiers and the tier measures), and the
 * whole-population simulation the proposer ran, stored with the proposal.
 * When the data has changed since, an administrator runs it again on today's
 * data (the server refuses the approval until then).
 */
import { Accordion, Alert, Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { Proposal, SimulationResult } from '../../../../shared/contract';
import type { MeasureSpec, RulesetSpec } from '../../../../shared/domain';
import { call } from '../../api';
import { count, when } from '../../format';
import i18next from '../../i18n';
import { seriesList } from '../../lists';
import { ErrorNote } from '../ErrorNote';
import { JobProgress } from '../JobProgress';
import { diffRulesets, summariseDiff } from '../rules/diff';
import { EMPTY_RULESET } from '../rules/draft';
import { RulesetDiffView } from '../rules/RulesetDiffView';
import { hasFigures, type SimulationRun } from '../rules/SimulatePanel';
import { SimulationResults } from '../rules/SimulationResults';
import { useRuleText } from '../../i18n/ruleText';
import { jobErrorText, keyedMessage } from '../../i18n/serverText';

type MeasureChange = { id: string; name: string; kind: MeasureSpec['kind']; change: 'added' | 'removed' | 'changed'; detail: string };

const t = i18next.t.bind(i18next);
const measureKind = (kind: MeasureSpec['kind']): string => (kind === 'restriction' ? t('approvals:proposal.measureKind.restriction') : t('approvals:proposal.measureKind.benefit'));

/** Measures are not in the rules diff, yet they say what a tier brings: compare them by id (worded in the reader's language). */
export function diffMeasures(before: MeasureSpec[], after: MeasureSpec[]): MeasureChange[] {
  const out: MeasureChange[] = [];
  const old = new Map(before.map((m) => [m.id, m]));
  const now = new Map(after.map((m) => [m.id, m]));
  for (const m of after) {
    const b = old.get(m.id);
    if (!b) out.push({ id: m.id, name: m.name, kind: m.kind, change: 'added', detail: t('approvals:proposal.measure.forTiers', { tiers: seriesList(m.tiers) }) });
    else {
      const parts = [
        b.name !== m.name && t('approvals:proposal.measure.name', { before: b.name, after: m.name }),
        b.kind !== m.kind && t('approvals:proposal.measure.kind', { before: measureKind(b.kind), after: measureKind(m.kind) }),
        b.tiers.join(',') !== m.tiers.join(',') && t('approvals:proposal.measure.tiers', { before: seriesList(b.tiers), after: seriesList(m.tiers) }),
        (b.description ?? '') !== (m.description ?? '') && t('approvals:proposal.measure.description'),
        JSON.stringify(b.i18n ?? {}) !== JSON.stringify(m.i18n ?? {}) && t('approvals:proposal.measure.translations'),
      ].filter((x): x is string => typeof x === 'string');
      if (parts.length) out.push({ id: m.id, name: m.name, kind: m.kind, change: 'changed', detail: parts.join(t('approvals:proposal.measure.separator')) });
    }
  }
  for (const m of before) if (!now.has(m.id)) out.push({ id: m.id, name: m.name, kind: m.kind, change: 'removed', detail: t('approvals:proposal.measure.wasForTiers', { tiers: seriesList(m.tiers) }) });
  return out;
}

function reach(m: MeasureSpec | undefined, after: Map<string, number> | null): string {
  if (!m) return '';
  if (!after) return t('approvals:proposal.reachUnknown');
  const n = m.tiers.reduce((sum, tier) => sum + (after.get(tier) ?? 0), 0);
  return m.kind === 'restriction'
    ? t('approvals:proposal.reachRestriction', { n: count(n), tiers: seriesList(m.tiers) })
    : t('approvals:proposal.reachBenefit', { n: count(n), tiers: seriesList(m.tiers) });
}

const CHANGE_COLOR = { added: 'green', removed: 'red', changed: 'yellow' } as const;

/** Citizens per tier under the proposal, read off the simulation's transition matrix (column totals). */
function tierTotalsAfter(sim: SimulationResult | null): Map<string, number> | null {
  if (!sim) return null;
  return new Map(sim.tiers.map((t, j) => [t, sim.transitions.reduce((sum, row) => sum + (row[j] ?? 0), 0)]));
}

function MeasureChanges({ changes, spec, after }: { changes: MeasureChange[]; spec: RulesetSpec; after: Map<string, number> | null }) {
  const { t } = useTranslation('approvals');
  if (changes.length === 0) return null;
  return (
    <Stack gap={6}>
      <Text fw={600} size="sm">
        {t('proposal.measures', { n: changes.length })}
      </Text>
      <Table withTableBorder data-testid="proposal-measure-diff">
        <Table.Tbody>
          {changes.map((c) => (
            <Table.Tr key={c.id}>
              <Table.Td w={90}>
                <Badge color={CHANGE_COLOR[c.change]} variant="light">
                  {t(`proposal.change.${c.change}`)}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Text size="sm" fw={500}>
                  {c.name}{' '}
                  <Badge size="xs" color={c.kind === 'restriction' ? 'red' : 'teal'} variant="light">
                    {measureKind(c.kind)}
                  </Badge>
                </Text>
                <Text size="xs" c="dimmed">
                  {c.id} · {c.detail}
                </Text>
                {c.change !== 'removed' && (
                  <Text size="xs" data-testid="proposal-measure-reach">
                    {reach(spec.measures?.find((m) => m.id === c.id), after)}
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

/** The proposal's stored simulation, when it still holds: run on today's data (the server says when the data has changed since). */
export function simulationFor(proposal: Proposal): SimulationResult | null {
  const sim = proposal.simulation;
  return sim && !sim.stale && sim.result.ok && hasFigures(sim.result) ? sim.result : null;
}

interface Props {
  proposal: Proposal;
  spec: RulesetSpec;
  /** Whether this user may run the simulation again and attach it (administrators). */
  maySimulate: boolean;
  run: SimulationRun | null;
  onRun: (run: SimulationRun | null) => void;
}

export function RulesetProposal({ proposal, spec, maySimulate, run, onRun }: Props) {
  const { t } = useTranslation('approvals');
  const current = useQuery({ queryKey: ['rulesetCurrent'], queryFn: () => call('rulesetCurrent', {}) });
  const published = current.data?.spec ?? EMPTY_RULESET;
  const publishedVersion = current.data?.version ?? null;
  const diff = useMemo(() => diffRulesets(published, spec), [published, spec]);
  const measures = useMemo(() => diffMeasures(published.measures ?? [], spec.measures ?? []), [published, spec]);
  const ruleText = useRuleText();
  const ruleNames = useMemo(() => new Map([...published.rules, ...spec.rules].map((r) => [r.id, ruleText.name(r)])), [published, spec, ruleText]);
  const qc = useQueryClient();
  const stored = proposal.simulation;
  const start = useMutation({
    mutationFn: () => call('simulate', { ruleset: spec }),
    onSuccess: ({ jobId }) => onRun({ jobId, key: String(proposal.id) }),
  });
  const attach = useMutation({
    mutationFn: (jobId: string) => call('attachProposalSimulation', { proposalId: proposal.id, simulationJobId: jobId }),
    onSuccess: async () => {
      onRun(null);
      await qc.invalidateQueries({ queryKey: ['proposals'] });
    },
  });
  const running = run !== null && !run.result && !run.failure;
  const stale = stored?.stale ? keyedMessage({ key: stored.staleKey, params: stored.staleParams, message: stored.stale }) : null;
  const baseLabel = publishedVersion ? t('rules:diff.publishedVersion', { version: publishedVersion }) : t('rules:diff.defaults');
  const restrictions = (spec.measures ?? []).filter((m) => m.kind === 'restriction').length;

  return (
    <Stack gap="sm">
      <Text size="sm" data-testid="proposal-ruleset-summary">
        {t('proposal.size', { count: restrictions, rules: spec.rules.length, tiers: spec.tiers.length, names: seriesList(spec.tiers.map((tier) => tier.name)), measures: (spec.measures ?? []).length })}{' '}
        {measures.length > 0 ? (
          <Trans i18nKey="approvals:proposal.comparedWithMeasures" count={measures.length} values={{ base: baseLabel, diff: summariseDiff(diff) }} components={{ b: <b /> }} />
        ) : (
          <Trans i18nKey="approvals:proposal.compared" values={{ base: baseLabel, diff: summariseDiff(diff) }} components={{ b: <b /> }} />
        )}
      </Text>
      <Accordion variant="contained" multiple defaultValue={['diff']} data-testid="proposal-diff">
        <Accordion.Item value="diff">
          <Accordion.Control>
            <Text size="sm" fw={500}>
              {t('proposal.changes', { id: proposal.id, base: baseLabel })}
            </Text>
          </Accordion.Control>
          <Accordion.Panel>
            <Stack gap="md">
              <RulesetDiffView diff={diff} beforeLabel={baseLabel} afterLabel={t('proposal.after', { id: proposal.id })} testId="proposal-diff-view" />
              <MeasureChanges changes={measures} spec={spec} after={tierTotalsAfter(simulationFor(proposal))} />
            </Stack>
          </Accordion.Panel>
        </Accordion.Item>
        <Accordion.Item value="simulation">
          <Accordion.Control>
            <Group gap="xs">
              <Text size="sm" fw={500}>
                {t('proposal.simulation')}
              </Text>
              {simulationFor(proposal) ? (
                <Badge color="teal" variant="light">
                  {t('proposal.simulated')}
                </Badge>
              ) : (
                <Badge color="orange" variant="light">
                  {stored ? t('proposal.outOfDate') : t('proposal.notSimulated')}
                </Badge>
              )}
            </Group>
          </Accordion.Control>
          <Accordion.Panel>
            <Stack gap="sm">
              <Group justify="space-between" align="flex-start">
                <Text size="sm" c="dimmed" maw={640} data-testid="proposal-simulation-by">
                  {stored ? t('proposal.simulatedBy', { by: stored.ranBy, when: when(stored.ranAt) }) : t('proposal.noSimulation')}
                </Text>
                {maySimulate && (!stored || stale) && (
                  <Button onClick={() => start.mutate()} loading={start.isPending || attach.isPending} disabled={running} data-testid="proposal-simulate">
                    {t('proposal.simulateAgain')}
                  </Button>
                )}
              </Group>
              <ErrorNote error={start.error} title={t('rules:simulate.startFailed')} />
              <ErrorNote error={attach.error} title={t('proposal.attachFailed')} />
              {run && running && (
                <JobProgress
                  key={run.jobId}
                  jobId={run.jobId}
                  onFinished={(status) => {
                    if (status.kind === 'simulate' && status.state === 'done' && status.result) {
                      onRun({ ...run, result: status.result });
                      attach.mutate(run.jobId);
                    } else onRun({ ...run, failure: status.state === 'cancelled' ? t('rules:simulate.cancelled') : t('rules:simulate.failed', { error: jobErrorText(status) ?? t('rules:simulate.unknownError') }) });
                  }}
                />
              )}
              {run?.failure && <Alert color="red">{run.failure}</Alert>}
              {stale && (
                <Alert color="yellow" title={t('proposal.staleTitle')} data-testid="proposal-simulation-stale">
                  {maySimulate ? t('proposal.staleMaySimulate', { stale }) : t('proposal.stale', { stale })}
                </Alert>
              )}
              {stored && !stored.result.ok && (
                <Alert color="red" title={t('proposal.invalid')}>
                  {stored.result.problems.map((p) => keyedMessage(p)).join('; ')}
                </Alert>
              )}
              {stored?.result.ok && hasFigures(stored.result) && (
                <div style={{ opacity: stale ? 0.55 : 1 }}>
                  <SimulationResults result={stored.result} ruleNames={ruleNames} subject="proposal" fairnessCsv={{ proposalId: proposal.id }} />
                </div>
              )}
            </Stack>
          </Accordion.Panel>
        </Accordion.Item>
      </Accordion>
    </Stack>
  );
}
