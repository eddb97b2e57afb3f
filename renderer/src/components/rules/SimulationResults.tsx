/** What publishing the draft (or a proposed ruleset) would do to the population: distribution before/after, tier moves, districts, movers, errors. */
import { BarChart } from '@mantine/charts';
import { Card, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { SimulationResult } from '../../../../shared/contract';
import { count } from '../../format';
import { DistrictsTable, EvaluationErrorsTable, MoversTable } from './SimulationTables';
import { tierMoves, TransitionMatrix } from './TransitionMatrix';
import { ScopeChange } from '../consent/ScopeChange';

function Stat({ label, value, hint, testId }: { label: string; value: string; hint?: string; testId?: string }) {
  return (
    <Card withBorder padding="sm">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} data-testid={testId}>
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Card>
  );
}

/** `subject` names the simulated ruleset in labels: the draft on the Rules page, the proposal on the Approvals page. */
export function SimulationResults({ result, ruleNames, subject = 'draft' }: { result: SimulationResult; ruleNames: Map<string, string>; subject?: string }) {
  const Subject = subject.charAt(0).toUpperCase() + subject.slice(1);
  const moves = tierMoves(result.transitions, result.tiers);
  const errorEvents = result.evaluationErrors.reduce((s, e) => s + e.count, 0);
  const pct = (n: number) => (result.citizens ? `${((100 * n) / result.citizens).toFixed(1)}% of ${count(result.citizens)}` : '');
  const width = result.histogram.length ? result.histogram[0].to - result.histogram[0].from : 0;
  // The server's bins start at 0; leave out the empty bands at both ends so the populated range is readable.
  const used = result.histogram.map((b) => b.before + b.after > 0);
  const first = Math.max(0, used.indexOf(true) - 1);
  const last = Math.min(result.histogram.length - 1, used.lastIndexOf(true) + 1);
  const bands = used.includes(true) ? result.histogram.slice(first, last + 1) : result.histogram;
  return (
    <Stack gap="md" data-testid="simulation-results">
      <ScopeChange scope={result.scope} />
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Stat label="Scores that change" value={count(result.changed)} hint={pct(result.changed)} testId="sim-changed" />
        <Stat label="Move up a tier" value={count(moves.up)} hint={pct(moves.up)} />
        <Stat label="Move down a tier" value={count(moves.down)} hint={pct(moves.down)} />
        <Stat label="Evaluation errors" value={count(errorEvents)} hint={`events, in ${result.evaluationErrors.length} rule${result.evaluationErrors.length === 1 ? '' : 's'}`} />
      </SimpleGrid>
      <Card withBorder>
        <Title order={4}>Score distribution, before and after</Title>
        <Text size="xs" c="dimmed" mb="sm">
          Citizens per {width}-point band; the label is the band's lower bound. Grey: scores under the published ruleset; indigo: under the {subject}.
        </Text>
        <div data-testid="sim-histogram">
          <BarChart
            h={300}
            data={bands.map((b) => ({ score: String(b.from), before: b.before, after: b.after }))}
            dataKey="score"
            series={[
              { name: 'before', label: 'Published (before)', color: 'gray.5' },
              { name: 'after', label: `${Subject} (after)`, color: 'indigo.6' },
            ]}
            withLegend
            withTooltip
            tooltipAnimationDuration={0}
            barProps={{ isAnimationActive: false }}
            xAxisLabel="score"
            yAxisLabel="citizens"
          />
        </div>
      </Card>
      <Card withBorder>
        <Title order={4}>Tier transitions</Title>
        <Text size="xs" c="dimmed" mb="sm">
          Rows: tier under the published ruleset; columns: tier under the {subject}. The shaded diagonal keeps its tier; green cells move up, red cells move down.
        </Text>
        <TransitionMatrix tiers={result.tiers} transitions={result.transitions} />
      </Card>
      <Card withBorder>
        <Title order={4} mb="sm">
          By district
        </Title>
        <DistrictsTable districts={result.districts} />
      </Card>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Card withBorder>
          <Title order={4} mb="sm">
            Largest rises
          </Title>
          <MoversTable movers={result.topUp} testId="sim-top-up" />
        </Card>
        <Card withBorder>
          <Title order={4} mb="sm">
            Largest falls
          </Title>
          <MoversTable movers={result.topDown} testId="sim-top-down" />
        </Card>
      </SimpleGrid>
      <Card withBorder>
        <Title order={4}>Evaluation errors per rule</Title>
        <Text size="xs" c="dimmed" mb="sm">
          An expression that fails on an event (missing field, division by zero, non-finite number) gives 0 points for that event.
        </Text>
        <EvaluationErrorsTable errors={result.evaluationErrors} ruleNames={ruleNames} />
      </Card>
    </Stack>
  );
}
