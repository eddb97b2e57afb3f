/** What publishing the draft (or a proposed ruleset) would do to the population: distribution before/after, tier moves, districts, movers, errors. */
import { BarChart } from '@mantine/charts';
import { Card, SimpleGrid, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { SimulationResult } from '../../../../shared/contract';
import { count, intlLocale } from '../../format';
import { FairnessReportView, type FairnessCsvSource } from './FairnessReport';
import { DistrictsTable, EvaluationErrorsTable, MoversTable } from './SimulationTables';
import { tierMoves, TransitionMatrix } from './TransitionMatrix';
import { ScopeChange } from '../consent/ScopeChange';
import { ReachSummary } from '../network/ReachSummary';

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

type Band = SimulationResult['histogram'][number];

/** The histogram as a table, for screen readers (the chart itself is an image to them). */
function HistogramTable({ bands, afterLabel }: { bands: Band[]; afterLabel: string }) {
  const { t } = useTranslation('rules');
  return (
    <VisuallyHidden>
      <Table data-testid="sim-histogram-table">
        <Table.Caption>{t('results.tableCaption')}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('results.band')}</Table.Th>
            <Table.Th scope="col">{t('results.before')}</Table.Th>
            <Table.Th scope="col">{afterLabel}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {bands.map((b) => (
            <Table.Tr key={b.from}>
              <Table.Th scope="row">{t('results.bandRange', { from: b.from, to: b.to })}</Table.Th>
              <Table.Td>{count(b.before)}</Table.Td>
              <Table.Td>{count(b.after)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </VisuallyHidden>
  );
}

/** `subject` names the simulated ruleset in labels: the draft on the Rules page, the proposal on the Approvals page. */
export function SimulationResults({
  result,
  ruleNames,
  subject = 'draft',
  fairnessCsv,
}: {
  result: SimulationResult;
  ruleNames: Map<string, string>;
  subject?: 'draft' | 'proposal';
  /** Where the fairness report's CSV comes from (a proposal's stored simulation); none for an unproposed draft. */
  fairnessCsv?: FairnessCsvSource;
}) {
  const { t } = useTranslation('rules');
  const { t: tn } = useTranslation('network');
  const afterLabel = subject === 'proposal' ? t('results.afterProposal') : t('results.afterDraft');
  const moves = tierMoves(result.transitions, result.tiers);
  const errorEvents = result.evaluationErrors.reduce((s, e) => s + e.count, 0);
  const pct = (n: number) => (result.citizens ? t('results.share', { pct: ((100 * n) / result.citizens).toLocaleString(intlLocale(), { minimumFractionDigits: 1, maximumFractionDigits: 1 }), total: count(result.citizens) }) : '');
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
        <Stat label={t('results.changed')} value={count(result.changed)} hint={pct(result.changed)} testId="sim-changed" />
        <Stat label={t('results.up')} value={count(moves.up)} hint={pct(moves.up)} />
        <Stat label={t('results.down')} value={count(moves.down)} hint={pct(moves.down)} />
        <Stat label={t('results.errors')} value={count(errorEvents)} hint={t('results.errorsHint', { count: result.evaluationErrors.length })} />
      </SimpleGrid>
      {result.reach && (
        <Card withBorder>
          <Title order={4} mb="xs">
            {tn('reach.draftTitle')}
          </Title>
          <ReachSummary reach={result.reach} subject="draft" testId="sim-reach" />
        </Card>
      )}
      <Card withBorder>
        <Title order={4}>{t('results.histogram')}</Title>
        <Text size="xs" c="dimmed" mb="sm">
          {subject === 'proposal' ? t('results.histogramHelpProposal', { width }) : t('results.histogramHelpDraft', { width })}
        </Text>
        <HistogramTable bands={bands} afterLabel={afterLabel} />
        <div data-testid="sim-histogram" aria-hidden>
          <BarChart
            h={300}
            data={bands.map((b) => ({ score: String(b.from), before: b.before, after: b.after }))}
            dataKey="score"
            series={[
              { name: 'before', label: t('results.before'), color: 'gray.5' },
              { name: 'after', label: afterLabel, color: 'indigo.6' },
            ]}
            withLegend
            withTooltip
            tooltipAnimationDuration={0}
            barProps={{ isAnimationActive: false }}
            xAxisLabel={t('results.scoreAxis')}
            yAxisLabel={t('results.citizensAxis')}
          />
        </div>
      </Card>
      <Card withBorder>
        <Title order={4}>{t('results.transitions')}</Title>
        <Text size="xs" c="dimmed" mb="sm">
          {subject === 'proposal' ? t('results.transitionsHelpProposal') : t('results.transitionsHelpDraft')}
        </Text>
        <TransitionMatrix tiers={result.tiers} transitions={result.transitions} />
      </Card>
      <Card withBorder>
        <Title order={4} mb="sm">
          {t('results.byDistrict')}
        </Title>
        <DistrictsTable districts={result.districts} />
      </Card>
      {result.fairness && <FairnessReportView report={result.fairness} subject={subject} csv={fairnessCsv} />}
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Card withBorder>
          <Title order={4} mb="sm">
            {t('results.rises')}
          </Title>
          <MoversTable movers={result.topUp} testId="sim-top-up" />
        </Card>
        <Card withBorder>
          <Title order={4} mb="sm">
            {t('results.falls')}
          </Title>
          <MoversTable movers={result.topDown} testId="sim-top-down" />
        </Card>
      </SimpleGrid>
      <Card withBorder>
        <Title order={4}>{t('results.errorsTitle')}</Title>
        <Text size="xs" c="dimmed" mb="sm">
          {t('results.errorsHelp')}
        </Text>
        <EvaluationErrorsTable errors={result.evaluationErrors} ruleNames={ruleNames} />
      </Card>
    </Stack>
  );
}
