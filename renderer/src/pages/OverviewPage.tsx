/** Overview: the population, how it is spread over tiers and scores, and what happened last. */
import { BarChart } from '@mantine/charts';
import { Anchor, Card, Group, Loader, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { call } from '../api';
import { ErrorNote } from '../components/ErrorNote';
import { FirstRun } from '../components/FirstRun';
import { TierBadge } from '../components/TierBadge';
import { count, tierColor, when } from '../format';
import { usePageTitle } from '../pageTitle';

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

export function OverviewPage() {
  usePageTitle('Overview');
  const { data, error, isLoading } = useQuery({ queryKey: ['overview'], queryFn: () => call('overview', {}) });
  if (isLoading) return <Loader />;
  if (error || !data) return <ErrorNote error={error} />;
  if (data.population === 0) return <FirstRun />;
  return (
    <Stack>
      <Title order={2}>Overview</Title>
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Stat label="Citizens" value={count(data.population)} />
        <Stat label="Scored" value={count(data.scored)} />
        <Stat label="Ruleset" value={data.rulesetVersion ? `version ${data.rulesetVersion}` : 'none published'} />
        <Stat label="Ledger entries" value={count(data.ledgerEntries)} />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Card withBorder>
          <Title order={4} mb="sm">
            Citizens by tier
          </Title>
          <BarChart
            h={260}
            data={data.tiers.map((t) => ({ tier: t.tier, citizens: t.count, color: `${tierColor(t.tier)}.6` }))}
            dataKey="tier"
            series={[{ name: 'citizens', color: 'indigo.6' }]}
            withTooltip
          />
          <Group gap="xs" mt="xs">
            {data.tiers.map((t) => (
              <Group key={t.tier} gap={4}>
                <TierBadge tier={t.tier} size="sm" />
                <Text size="xs" c="dimmed">
                  ≥ {t.min}: {count(t.count)}
                </Text>
              </Group>
            ))}
          </Group>
        </Card>
        <Card withBorder>
          <Title order={4} mb="sm">
            Score distribution
          </Title>
          <BarChart
            h={260}
            data={data.histogram.map((b) => ({ score: `${b.from}`, citizens: b.count, color: `${tierColor(tierAt(data.tiers, b.from))}.5` }))}
            dataKey="score"
            series={[{ name: 'citizens', color: 'indigo.5' }]}
            withTooltip
          />
          <Text size="xs" c="dimmed" mt="xs">
            Bins of 25 points; the label is the lower bound; each bin in the colour of the tier it falls in.
          </Text>
        </Card>
      </SimpleGrid>
      <Card withBorder>
        <Title order={4} mb="sm">
          Recent operations
        </Title>
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              <Table.Th>When (UTC)</Table.Th>
              <Table.Th>Kind</Table.Th>
              <Table.Th>By</Table.Th>
              <Table.Th>Reason</Table.Th>
              <Table.Th ta="right">Ledger entries</Table.Th>
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
                <Table.Td>{op.kind.replace(/_/g, ' ')}</Table.Td>
                <Table.Td>{op.actor}</Table.Td>
                <Table.Td>{op.reason}</Table.Td>
                <Table.Td ta="right">{count(op.ledgerEntries)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
    </Stack>
  );
}
