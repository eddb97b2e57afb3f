/**
 * A citizen's record, built for the question "why is this score what it is,
 * and why did it change?": the score and tier, the top reasons, the score
 * history from the ledger, contributions by rule down to the events, the
 * friend penalty by friend, the tier's measures and what was decided about
 * them, manual adjustments under the two-person rule, the citizen's disputes,
 * the audit trail, and every event on record.
 */
import { LineChart } from '@mantine/charts';
import { Anchor, Badge, Card, Group, List, Loader, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '@mantine/core';
import { RecordEventModal } from '../components/citizen/RecordEventModal';
import { useAccess } from '../components/approvals/access';
import { usePageTitle } from '../pageTitle';
import { Link } from 'wouter';
import { ApiError, call, recordPurpose } from '../api';
import { PurposePrompt } from '../components/citizen/PurposePrompt';
import { AdjustmentsCard } from '../components/citizen/AdjustmentsCard';
import { useCurrentUser } from '../components/AuthGate';
import { AuditTrail } from '../components/citizen/AuditTrail';
import { ExportButtons } from '../components/citizen/ExportButtons';
import { DisputesCard } from '../components/citizen/DisputesCard';
import { isActive, useCitizenDisputes } from '../components/citizen/disputeStatus';
import { EventList } from '../components/citizen/EventList';
import { FriendPenalty } from '../components/citizen/FriendPenalty';
import { NetworkReach } from '../components/citizen/NetworkReach';
import { OutlookCard } from '../components/citizen/OutlookCard';
import { MeasuresCard } from '../components/citizen/MeasuresCard';
import { ScoreBreakdown } from '../components/citizen/ScoreBreakdown';
import { ErrorNote } from '../components/ErrorNote';
import { TierBadge } from '../components/TierBadge';
import { count, points, score, when } from '../format';
import { useRuleText } from '../i18n/ruleText';
import { ConsentCard } from '../components/consent/ConsentCard';
import { UnscoredNotice } from '../components/consent/UnscoredNotice';

/** One record per mount: a link to another record (a friend's) asks for that record's purpose afresh. */
export function CitizenPage({ citizenId }: { citizenId: string }) {
  return <PurposeGate key={citizenId} citizenId={citizenId} />;
}

function PurposeGate({ citizenId }: { citizenId: string }) {
  const [purpose, setPurpose] = useState(() => recordPurpose.get(citizenId));
  const [refused, setRefused] = useState<string>();
  if (purpose === undefined) {
    return (
      <PurposePrompt
        citizenId={citizenId}
        refused={refused}
        onStated={(p) => {
          recordPurpose.set(citizenId, p);
          setPurpose(p);
        }}
      />
    );
  }
  return (
    <CitizenRecord
      citizenId={citizenId}
      purpose={purpose}
      onRefused={(message) => {
        recordPurpose.forget(citizenId);
        setRefused(message);
        setPurpose(undefined);
      }}
    />
  );
}

function CitizenRecord({ citizenId, purpose, onRefused }: { citizenId: string; purpose: string; onRefused: (message: string) => void }) {
  const user = useCurrentUser();
  const { data, error, isLoading } = useQuery({
    queryKey: ['citizen', citizenId],
    queryFn: async () => {
      try {
        return await call('citizen', { citizenId, purpose: purpose || undefined });
      } catch (err) {
        // The administrator made the purpose mandatory since: ask for one.
        if (err instanceof ApiError && err.code === 'rejected' && /purpose/.test(err.message)) onRefused(err.message);
        throw err;
      }
    },
    retry: false,
    // Every opening is a read of personal data and is logged: never shown from the cache alone.
    staleTime: 0,
  });
  const { mayAct } = useAccess();
  const [recording, setRecording] = useState(false);
  usePageTitle(data ? `${data.summary.name} (${citizenId})` : `Record ${citizenId}`);
  const viewers = useQuery({ queryKey: ['recordViewers', citizenId], queryFn: () => call('recordViewers', { citizenId, purpose: purpose || undefined }), enabled: !!data });
  const disputes = useCitizenDisputes(citizenId);
  const ruleText = useRuleText();
  if (isLoading) return <Loader />;
  if (error || !data) return <ErrorNote error={error} title={`Citizen ${citizenId}`} />;
  const { summary, explanation: e, history } = data;
  /** A rule's reason code in the reader's language (the rule's translation); other codes as the server words them. */
  const reasonLabel = (r: { code: string; label: string }) => {
    const rule = e?.rules.find((x) => x.ruleId === r.code);
    return rule ? ruleText.name({ name: rule.ruleName, i18n: rule.i18n }) : r.label;
  };
  const activeDisputes = (disputes.data ?? []).filter(isActive);
  const overdue = activeDisputes.filter((d) => d.overdue).length;
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
          {summary.nameLatin && (
            <Text size="sm" data-testid="citizen-name-latin">
              {summary.nameLatin}
            </Text>
          )}
          <Text c="dimmed" size="sm">
            <Text span ff="monospace">
              {summary.citizenId}
            </Text>{' '}
            · {summary.district}
            {summary.birthDate ? ` · born ${summary.birthDate}` : ''}
          </Text>
          {e && user && user.role !== 'viewer' && (
            <Group mt={6}>
              <ExportButtons citizenId={summary.citizenId} />
            </Group>
          )}
          {activeDisputes.length > 0 && (
            <Group gap={6} mt={6}>
              <Badge
                component="button"
                color="orange"
                variant="filled"
                style={{ cursor: 'pointer', border: 0 }}
                title="Go to the disputes"
                onClick={() => document.getElementById('disputes')?.scrollIntoView({ behavior: 'smooth' })}
                data-testid="citizen-open-disputes"
              >
                {activeDisputes.length} open dispute{activeDisputes.length === 1 ? '' : 's'}
              </Badge>
              {overdue > 0 && (
                <Badge color="red" variant="filled">
                  {overdue} overdue
                </Badge>
              )}
            </Group>
          )}
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
              ruleset v{e.rulesetVersion} · <span title="The instant the score is computed for: events after it do not count yet. It is not when the score was last recomputed.">scoring date {when(e.asOf)} UTC</span>
            </Text>
          )}
        </Card>
      </Group>

      {!e && <UnscoredNotice name={summary.name} consent={data.consent} />}
      {!e && <ConsentCard citizenId={summary.citizenId} name={summary.name} consent={data.consent} />}

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
                    {reasonLabel(r)}{' '}
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

      {e && (
        <SimpleGrid cols={{ base: 1, lg: 2 }}>
          <OutlookCard citizenId={summary.citizenId} />
          <NetworkReach citizenId={summary.citizenId} />
        </SimpleGrid>
      )}

      {e && (
        <SimpleGrid cols={{ base: 1, lg: 2 }}>
          <Card withBorder id="measures">
            <Title order={4} mb="xs">
              Measures of tier {e.tier}
            </Title>
            <MeasuresCard citizenId={summary.citizenId} tier={e.tier} rulesetVersion={e.rulesetVersion} />
          </Card>
          <Card withBorder id="adjustments">
            <Title order={4} mb="xs">
              Manual adjustments
            </Title>
            <Text size="sm" c="dimmed" mb="xs">
              Points added to or taken from the own score by hand: one user proposes with a justification, a second user approves.
            </Text>
            <AdjustmentsCard citizenId={summary.citizenId} />
          </Card>
        </SimpleGrid>
      )}

      {e && <ConsentCard citizenId={summary.citizenId} name={summary.name} consent={data.consent} />}

      <Card withBorder id="disputes">
        <Title order={4} mb="xs">
          Disputes
        </Title>
        <DisputesCard citizenId={summary.citizenId} />
      </Card>

      <Card withBorder>
        <Title order={4} mb="xs">
          Audit trail: why the score changed
        </Title>
        <AuditTrail entries={history} />
      </Card>

      <Card withBorder>
        <Title order={4} mb="xs">
          Who opened this record
        </Title>
        {viewers.data && (
          <Table striped data-testid="record-viewers">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When (UTC)</Table.Th>
                <Table.Th>Account</Table.Th>
                <Table.Th>Stated purpose</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {viewers.data.rows.slice(0, 20).map((v) => (
                <Table.Tr key={v.id}>
                  <Table.Td>{when(v.at)}</Table.Td>
                  <Table.Td>{v.username}</Table.Td>
                  <Table.Td>{v.purpose ?? <Text span c="dimmed">none stated</Text>}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
            {viewers.data.total > 20 && (
              <Table.Caption>
                The latest 20 of {count(viewers.data.total)} openings; auditors see all of them in the access log.
              </Table.Caption>
            )}
          </Table>
        )}
      </Card>

      <Card withBorder>
        <Group justify="space-between" mb="xs">
          <Title order={4}>Events on record ({count(data.eventCount)})</Title>
          {mayAct && (
            <Button size="xs" onClick={() => setRecording(true)} data-testid="record-event-button">
              Record an event…
            </Button>
          )}
        </Group>
        <EventList citizenId={summary.citizenId} />
      </Card>
      {recording && <RecordEventModal citizenId={summary.citizenId} onClose={() => setRecording(false)} />}
    </Stack>
  );
}
