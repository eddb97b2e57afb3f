/**
 * The score outlook on a record (issue 13, part 1): when the stored records
 * leave their ttl window, the score and tier the citizen will have then if
 * nothing else happens (friends' outlooks included), the next tier and the
 * expiries it takes, and what upholding each pending dispute would change.
 * A projection under the current ruleset, and labelled as such.
 */
import { LineChart } from '@mantine/charts';
import { Alert, Badge, Card, Group, List, Loader, ScrollArea, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Output } from '../../../../shared/contract';
import { call, purposeFor } from '../../api';
import { count, day, points as signedPoints, score, when } from '../../format';
import { ChartWithTable } from '../ChartWithTable';
import { ErrorNote } from '../ErrorNote';
import { TierBadge } from '../TierBadge';
import { useRuleText } from '../../i18n/ruleText';

export type Outlook = Output<'scoreOutlook'>;
type OutlookPoint = Outlook['points'][number];

/** The outlook of a record; one query shared by the outlook card and the network card. */
export function useOutlook(citizenId: string) {
  return useQuery({ queryKey: ['scoreOutlook', citizenId], queryFn: () => call('scoreOutlook', { citizenId, purpose: purposeFor(citizenId) }) });
}

/**
 * A rule of the outlook's ruleset version by name in the reader's language
 * (the outlook carries the rule's own name; its translation is in the ruleset).
 */
function useRuleName(version: number): (ruleId: string, ownName: string) => string {
  const { data: ruleset } = useQuery({ queryKey: ['rulesetGet', version], queryFn: () => call('rulesetGet', { version }), staleTime: Infinity });
  const ruleText = useRuleText();
  return (ruleId, ownName) => {
    const spec = ruleset?.rules.find((r) => r.id === ruleId);
    return ruleText.name(spec ?? { name: ownName });
  };
}

/** What happens at one point, in a sentence: the records that change, or the friends. */
function Cause({ p, version }: { p: OutlookPoint; version: number }) {
  const { t } = useTranslation('outlook');
  const ruleName = useRuleName(version);
  if (p.records.length === 0) return <>{t('cause.friends')}</>;
  const first = p.records[0];
  const key = first.change === 'expires' ? 'cause.expires' : 'cause.starts';
  return (
    <>
      {t(key, { date: day(first.occurredAt), rule: ruleName(first.ruleId, first.ruleName), points: signedPoints(first.points) })}
      {p.records.length > 1 ? ` ${t('cause.more', { count: p.records.length - 1 })}` : ''}
      {p.friendsMoved ? ` ${t('cause.andFriends')}` : ''}
    </>
  );
}

/** The first change, said as the disclosure says it. */
function Headline({ o }: { o: Outlook }) {
  const { t } = useTranslation('outlook');
  const p = o.points[0];
  if (!p) return <Text data-testid="outlook-headline">{t('headline.none')}</Text>;
  const direction = p.score > o.now.score ? 'rise' : p.score < o.now.score ? 'fall' : 'stay';
  const first = p.records[0];
  const values = { score: score(p.score), tier: p.tier, date: day(p.at) };
  return (
    <Text data-testid="outlook-headline">
      {first
        ? t(`headline.${direction}Record`, { ...values, recordDate: day(first.occurredAt) })
        : t(`headline.${direction}Friends`, values)}
    </Text>
  );
}

function OutlookChart({ o }: { o: Outlook }) {
  const { t } = useTranslation('outlook');
  // Time on a true time scale: steps far apart in time are drawn far apart.
  const data = [{ ms: Date.parse(o.asOf), score: o.now.score }, ...o.points.map((p) => ({ ms: Date.parse(p.at), score: p.score }))];
  return (
    <ChartWithTable
      testId="outlook-chart"
      chart={
        <LineChart
          h={220}
          data={data}
          dataKey="ms"
          series={[{ name: 'score', label: t('chart.score'), color: 'indigo.6' }]}
          curveType="stepAfter"
          xAxisProps={{ type: 'number', scale: 'time', domain: ['dataMin', 'dataMax'], tickFormatter: (v: number) => day(new Date(v).toISOString()) }}
          yAxisProps={{ domain: ['auto', 'auto'], width: 64, tickFormatter: (v: number) => count(v) }}
          referenceLines={o.nextTier ? [{ y: o.nextTier.min, label: t('chart.tierLine', { tier: o.nextTier.tier }), color: 'teal.6' }] : []}
          valueFormatter={(v) => score(v)}
          accessibilityLayer={false}
          withTooltip={false}
          withDots
        />
      }
      table={{
        caption: t('table.caption'),
        columns: [{ label: t('table.from') }, { label: t('table.score'), numeric: true }, { label: t('table.tier') }, { label: t('table.cause') }],
        rows: [
          { key: 'now', cells: [t('table.now', { date: day(o.asOf) }), score(o.now.score), o.now.tier, t('table.today')] },
          ...o.points.map((p) => ({ key: p.at, cells: [when(p.at), score(p.score), p.tier, <Cause key="c" p={p} version={o.rulesetVersion} />] })),
        ],
      }}
    />
  );
}

function NextTier({ o }: { o: Outlook }) {
  const { t } = useTranslation('outlook');
  const ruleName = useRuleName(o.rulesetVersion);
  const n = o.nextTier;
  if (!n) return <Text size="sm" c="dimmed" data-testid="outlook-next-tier">{t('next.none')}</Text>;
  return (
    <Stack gap={4} data-testid="outlook-next-tier">
      <Text size="sm">
        {n.recordsTotal === 0
          ? t('next.byFriends', { tier: n.tier, min: count(n.min), date: day(n.at), score: score(n.score) })
          : t('next.byRecords', { tier: n.tier, min: count(n.min), date: day(n.at), score: score(n.score), count: n.recordsTotal })}
      </Text>
      {n.records.length > 0 && (
        <List size="sm" spacing={2}>
          {n.records.map((r) => (
            <List.Item key={`${r.eventId}-${r.ruleId}`}>
              {t('next.record', { eventId: r.eventId, date: day(r.occurredAt), rule: ruleName(r.ruleId, r.ruleName), points: signedPoints(r.points) })}
            </List.Item>
          ))}
          {n.recordsTotal > n.records.length && <List.Item>{t('next.moreRecords', { count: n.recordsTotal - n.records.length })}</List.Item>}
        </List>
      )}
    </Stack>
  );
}

function Disputes({ o }: { o: Outlook }) {
  const { t } = useTranslation('outlook');
  if (o.disputes.length === 0) return <Text size="sm" c="dimmed">{t('disputes.none')}</Text>;
  return (
    <Table striped data-testid="outlook-disputes">
      <Table.Caption>{t('disputes.caption')}</Table.Caption>
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">{t('disputes.dispute')}</Table.Th>
          <Table.Th scope="col">{t('disputes.event')}</Table.Th>
          <Table.Th scope="col" ta="right">{t('disputes.ifUpheld')}</Table.Th>
          <Table.Th scope="col">{t('table.tier')}</Table.Th>
          <Table.Th scope="col">{t('disputes.reach')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {o.disputes.map((d) => (
          <Table.Tr key={d.disputeId}>
            <Table.Td>#{d.disputeId}</Table.Td>
            <Table.Td ff="monospace">{d.eventId}</Table.Td>
            <Table.Td ta="right" ff="monospace">
              {score(d.score)}
            </Table.Td>
            <Table.Td>
              <TierBadge tier={d.tier} size="sm" />
            </Table.Td>
            <Table.Td>
              {d.noChange
                ? t(`disputes.noChange.${d.noChange}`)
                : d.reach.citizens === 0
                  ? t('disputes.reachNone')
                  : t('disputes.reachSome', { count: d.reach.citizens, distance: t('distance', { count: d.reach.maxHops }) })}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function OutlookCard({ citizenId }: { citizenId: string }) {
  const { t } = useTranslation('outlook');
  const { data: o, error, isLoading } = useOutlook(citizenId);
  return (
    <Card withBorder id="outlook" data-testid="outlook-card">
      <Group justify="space-between" mb="xs">
        <Title order={4}>{t('title')}</Title>
        <Badge variant="light" color="gray" data-testid="outlook-label">
          {t('label')}
        </Badge>
      </Group>
      {isLoading && <Loader size="sm" aria-label={t('loading')} />}
      {error && <ErrorNote error={error} />}
      {o && (
        <Stack gap="sm">
          <Alert variant="light" color="gray" p="xs">
            <Text size="sm">{t('explain', { version: o.rulesetVersion, asOf: when(o.asOf) })}</Text>
          </Alert>
          <Headline o={o} />
          {o.points.length > 0 && (
            <ScrollArea.Autosize mah={420}>
              <OutlookChart o={o} />
            </ScrollArea.Autosize>
          )}
          {o.pointsTotal > o.points.length && <Text size="xs" c="dimmed">{t('truncated', { shown: o.points.length, count: o.pointsTotal })}</Text>}
          <Title order={5}>{t('next.title')}</Title>
          <NextTier o={o} />
          <Title order={5}>{t('disputes.title')}</Title>
          <Disputes o={o} />
          <Text size="xs" c="dimmed">
            {t('considered', { count: o.considered })} {t('projected', { count: o.projected })}
          </Text>
        </Stack>
      )}
    </Card>
  );
}
