/** Overview: the population, how it is spread over tiers and scores, and what happened last. */
import { BarChart } from '@mantine/charts';
import { Anchor, Card, Group, Loader, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { Output } from '../../../shared/contract';
import { call } from '../api';
import { ChartWithTable } from '../components/ChartWithTable';
import { ErrorNote } from '../components/ErrorNote';
import { FirstRun } from '../components/FirstRun';
import { ScopeSummary } from '../components/consent/ScopeSummary';
import { FriendPenaltyPanel } from '../components/overview/FriendPenaltyPanel';
import { CurrentFairnessPanel } from '../components/rules/FairnessHistory';
import { operationKindLabel } from '../components/ops/operationKinds';
import { TierBadge } from '../components/TierBadge';
import { count, tierColor, when } from '../format';
import { usePageTitle } from '../pageTitle';
import { readReason } from '../i18n/systemReason';

type Overview = Output<'overview'>;

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <Card withBorder padding="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {value}
      </Text>
    </Card>
  );
}

/** The tier a score falls in: the first (highest) tier whose minimum it reaches; tiers come highest first. */
function tierAt(tiers: { tier: string; min: number }[], score: number): string | null {
  return tiers.find((t) => score >= t.min)?.tier ?? tiers[tiers.length - 1]?.tier ?? null;
}

function TierChart({ data }: { data: Overview }) {
  const { t } = useTranslation('overview');
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="sm">
        {t('tiers.title')}
      </Title>
      <ChartWithTable
        testId="tier-chart"
        chart={
          <BarChart
            h={260}
            data={data.tiers.map((x) => ({ tier: x.tier, citizens: x.count, color: `${tierColor(x.tier)}.6` }))}
            dataKey="tier"
            series={[{ name: 'citizens', label: t('chart.citizens'), color: 'indigo.6' }]}
            xAxisLabel={t('tiers.axis')}
            valueFormatter={count}
            accessibilityLayer={false}
            withTooltip
          />
        }
        table={{
          caption: t('tiers.title'),
          columns: [{ label: t('tiers.tier') }, { label: t('tiers.from'), numeric: true }, { label: t('chart.citizens'), numeric: true }],
          rows: data.tiers.map((x) => ({ key: x.tier, cells: [x.tier, count(x.min), count(x.count)] })),
        }}
      />
      <Group gap="xs" mt="xs">
        {data.tiers.map((x) => (
          <Group key={x.tier} gap={4}>
            <TierBadge tier={x.tier} size="sm" />
            <Text size="xs" c="dimmed">
              {t('tiers.legend', { min: count(x.min), citizens: count(x.count) })}
            </Text>
          </Group>
        ))}
      </Group>
    </Card>
  );
}

function ScoreHistogram({ data }: { data: Overview }) {
  const { t } = useTranslation('overview');
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="sm">
        {t('histogram.title')}
      </Title>
      <ChartWithTable
        testId="score-histogram"
        chart={
          <BarChart
            h={260}
            data={data.histogram.map((b) => ({ score: `${b.from}`, citizens: b.count, color: `${tierColor(tierAt(data.tiers, b.from))}.5` }))}
            dataKey="score"
            series={[{ name: 'citizens', label: t('chart.citizens'), color: 'indigo.5' }]}
            xAxisLabel={t('histogram.axis')}
            valueFormatter={count}
            accessibilityLayer={false}
            withTooltip
          />
        }
        table={{
          caption: t('histogram.title'),
          columns: [{ label: t('histogram.bin') }, { label: t('tiers.tier') }, { label: t('chart.citizens'), numeric: true }],
          rows: data.histogram.map((b) => ({ key: String(b.from), cells: [t('histogram.range', { from: count(b.from), to: count(b.to) }), tierAt(data.tiers, b.from) ?? '—', count(b.count)] })),
        }}
      />
      <Text size="xs" c="dimmed" mt="xs">
        {t('histogram.note')}
      </Text>
    </Card>
  );
}

function RecentOperations({ data }: { data: Overview }) {
  const { t } = useTranslation('overview');
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="sm">
        {t('recent.title')}
      </Title>
      <Table striped highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>#</Table.Th>
            <Table.Th>{t('recent.when')}</Table.Th>
            <Table.Th>{t('recent.kind')}</Table.Th>
            <Table.Th>{t('recent.by')}</Table.Th>
            <Table.Th>{t('recent.reason')}</Table.Th>
            <Table.Th ta="right">{t('recent.ledgerEntries')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {data.recentOperations.map((op) => (
            <Table.Tr key={op.id}>
              <Table.Td>
                <Anchor component={Link} href={`/operations/${op.id}`}>
                  {op.id}
                </Anchor>
              </Table.Td>
              <Table.Td>{when(op.at)}</Table.Td>
              <Table.Td>{operationKindLabel(op.kind)}</Table.Td>
              <Table.Td>{op.actor}</Table.Td>
              <Table.Td>{readReason(op.reason)}</Table.Td>
              <Table.Td ta="right">{count(op.ledgerEntries)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}

export function OverviewPage() {
  const { t } = useTranslation('overview');
  usePageTitle(t('title'));
  const { data, error, isLoading } = useQuery({ queryKey: ['overview'], queryFn: () => call('overview', {}) });
  if (isLoading) return <Loader aria-label={t('common:auth.loading')} />;
  if (error || !data) return <ErrorNote error={error} />;
  if (data.population === 0) return <FirstRun />;
  return (
    <Stack>
      <Title order={2}>{t('title')}</Title>
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Stat label={t('stat.citizens')} value={count(data.population)} />
        <Stat label={t('stat.scored')} value={count(data.scored)} />
        <Stat label={t('stat.ruleset')} value={data.rulesetVersion ? t('stat.rulesetVersion', { version: data.rulesetVersion }) : t('stat.noRuleset')} />
        <Stat label={t('stat.ledgerEntries')} value={count(data.ledgerEntries)} />
      </SimpleGrid>
      <ScopeSummary data={data} />
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <TierChart data={data} />
        <ScoreHistogram data={data} />
      </SimpleGrid>
      <FriendPenaltyPanel />
      <CurrentFairnessPanel />
      <RecentOperations data={data} />
    </Stack>
  );
}
