/**
 * A citizen's record, built for the question "why is this score what it is,
 * and why did it change?": the score and tier, the top reasons, the score
 * history from the ledger, contributions by rule down to the events, the
 * friend penalty by friend, the audit trail, and every event on record.
 */
import { LineChart } from '@mantine/charts';
import { Alert, Anchor, Card, Group, List, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { call } from '../api';
import { AuditTrail } from '../components/citizen/AuditTrail';
import { EventList } from '../components/citizen/EventList';
import { FriendPenalty } from '../components/citizen/FriendPenalty';
import { ScoreBreakdown } from '../components/citizen/ScoreBreakdown';
import { ErrorNote } from '../components/ErrorNote';
import { TierBadge } from '../components/TierBadge';
import { count, points, score, when } from '../format';

export function CitizenPage({ citizenId }: { citizenId: string }) {
  const { data, error, isLoading } = useQuery({ queryKey: ['citizen', citizenId], queryFn: () => call('citizen', { citizenId }) });
  if (isLoading) return <Loader />;
  if (error || !data) return <ErrorNote error={error} title={`Citizen ${citizenId}`} />;
  const { summary, explanation: e, history } = data;
  const chart = [...history]
    .reverse()
    .map((l) => ({ date: when(l.operation.at), score: l.newScore, operation: `#${l.operationId} ${l.operation.kind}` }));

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <div>
          <Anchor component={Link} href="/search" size="sm">
            ← Search
          </Anchor>
          <Title order={2} data-testid="citizen-name">
            {summary.name}
          </Title>
          <Text c="dimmed" size="sm">
            <Text span ff="monospace">
              {summary.citizenId}
            </Text>{' '}
            · {summary.district}
            {summary.birthDate ? ` · born ${summary.birthDate}` : ''}
          </Text>
        </div>
        <Card withBorder padding="sm" miw={260}>
          <Group justify="space-between">
            <div>
              <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                Score
              </Text>
              <Text fz={34} fw={700} lh={1.1} ff="monospace" data-testid="citizen-score">
                {score(summary.score)}
              </Text>
            </div>
            <TierBadge tier={summary.tier} size="xl" />
          </Group>
          {e && (
            <Text size="xs" c="dimmed" mt={4}>
              ruleset v{e.rulesetVersion} · as of {when(e.asOf)} UTC
            </Text>
          )}
        </Card>
      </Group>

      {!e && <Alert color="gray">This citizen has no score yet: no ruleset has been published since they were recorded.</Alert>}

      {e && (
        <SimpleGrid cols={{ base: 1, lg: 2 }}>
          <Card withBorder>
            <Title order={4} mb="xs">
              Main reasons lowering the score
            </Title>
            {e.reasonCodes.length === 0 ? (
              <Text c="dimmed">Nothing lowers this score.</Text>
            ) : (
              <List type="ordered" data-testid="reason-codes">
                {e.reasonCodes.map((r) => (
                  <List.Item key={r.code}>
                    {r.label}{' '}
                    <Text span c="red.7" ff="monospace">
                      {points(r.points)}
                    </Text>
                  </List.Item>
                ))}
              </List>
            )}
          </Card>
          <Card withBorder>
            <Title order={4} mb="xs">
              Score history
            </Title>
            {chart.length > 1 ? (
              <LineChart h={170} data={chart} dataKey="date" series={[{ name: 'score', color: 'indigo.6' }]} curveType="stepAfter" withDots yAxisProps={{ domain: ['auto', 'auto'] }} />
            ) : (
              <Text c="dimmed" size="sm">
                One score so far: {score(summary.score)} since {chart[0]?.date ?? '—'}.
              </Text>
            )}
          </Card>
        </SimpleGrid>
      )}

      {e && (
        <SimpleGrid cols={{ base: 1, lg: 2 }}>
          <Card withBorder>
            <Title order={4} mb="xs">
              How the score is made
            </Title>
            <ScoreBreakdown e={e} />
          </Card>
          <Card withBorder id="friends">
            <Title order={4} mb="xs">
              Friend penalty by friend
            </Title>
            <Text size="sm" c="dimmed" mb="xs">
              Friends scoring below the threshold count against this citizen; each row shows that friend's share of the penalty.
            </Text>
            <FriendPenalty e={e} />
          </Card>
        </SimpleGrid>
      )}

      <Card withBorder>
        <Title order={4} mb="xs">
          Audit trail: why the score changed
        </Title>
        <AuditTrail entries={history} />
      </Card>

      <Card withBorder>
        <Title order={4} mb="xs">
          Events on record ({count(data.eventCount)})
        </Title>
        <EventList citizenId={summary.citizenId} />
      </Card>
    </Stack>
  );
}
