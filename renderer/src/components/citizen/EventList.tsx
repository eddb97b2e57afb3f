/**
 * A citizen's events, newest first, fetched page by page and shown per kind
 * with the kind's fields as columns: the points each rule gives the event
 * and whether they count (expired by the ttl, after the scoring date,
 * retracted, disputed), and for officials "Dispute" (the citizen's
 * statement) and "Retract" (with a reason).
 */
import { Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useMemo, useState } from 'react';
import type { Dispute, EventRow } from '../../../../shared/contract';
import type { EventKindSpec } from '../../../../shared/domain';
import { call, purposeFor } from '../../api';
import { points, score, when } from '../../format';
import { refreshScores } from './refresh';
import { ReasonModal } from './ReasonModal';
import { useAccess } from '../approvals/access';
import { disputeLabel, isActive, useCitizenDisputes } from './disputeStatus';
import { OpenDisputeModal, type DisputeTarget } from './OpenDisputeModal';
import { EventSourceLabel } from './EventSource';

const PAGE = 200;

/** The events fetched so far (shared with the disputes card, which names disputed events by kind and date). */
export function useCitizenEvents(citizenId: string) {
  const query = useInfiniteQuery({
    queryKey: ['citizenEvents', citizenId],
    queryFn: ({ pageParam }) => call('citizenEvents', { citizenId, offset: pageParam, limit: PAGE, purpose: purposeFor(citizenId) }),
    initialPageParam: 0,
    getNextPageParam: (last, pages) => (pages.length * PAGE < last.total ? pages.length * PAGE : undefined),
  });
  const rows = useMemo(() => query.data?.pages.flatMap((p) => p.rows) ?? [], [query.data]);
  return { query, rows };
}

/** The dispute that concerns an event most: an active one, else the latest decided one. */
function disputesByEvent(disputes: Dispute[] | undefined): Map<string, Dispute> {
  const out = new Map<string, Dispute>();
  for (const d of disputes ?? []) {
    if (!d.eventId) continue;
    const seen = out.get(d.eventId);
    if (!seen || (isActive(d) && !isActive(seen)) || (isActive(d) === isActive(seen) && d.id > seen.id)) out.set(d.eventId, d);
  }
  return out;
}

interface KindGroup {
  kind: string;
  fields: { name: string; type: string; protected: boolean }[];
  rows: EventRow[];
}

/** Events by kind, kinds in order of their newest event; each kind's fields as columns, in its schema's order. */
function groupByKind(rows: EventRow[], kinds: EventKindSpec[]): KindGroup[] {
  const groups = new Map<string, KindGroup>();
  for (const ev of rows) {
    let g = groups.get(ev.kind);
    if (!g) {
      const spec = kinds.find((k) => k.kind === ev.kind);
      g = { kind: ev.kind, fields: Object.entries(spec?.fields ?? {}).map(([name, f]) => ({ name, type: f.type, protected: !!f.protected })), rows: [] };
      groups.set(ev.kind, g);
    }
    for (const name of Object.keys(ev.data)) if (!g.fields.some((f) => f.name === name)) g.fields.push({ name, type: 'unknown', protected: false });
    g.rows.push(ev);
  }
  return [...groups.values()];
}

const cell = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));

const STANDING: Record<NonNullable<EventRow['scoring']>['standing'], { label: string; color: string; title: string }> = {
  counts: { label: 'counts', color: 'teal', title: 'its points count in the score at the scoring date' },
  expired: { label: 'expired', color: 'gray', title: "older than the rule's time window (ttl) at the scoring date: its points no longer count" },
  future: { label: 'not yet', color: 'blue', title: 'it occurred after the scoring date: it counts from the next recompute after it' },
  no_points: { label: 'no points', color: 'gray', title: 'no rule of the current ruleset gives it points' },
  retracted: { label: 'retracted', color: 'gray', title: 'retracted: kept on record, never counted' },
  unscored: { label: 'no ruleset', color: 'gray', title: 'no ruleset is published yet' },
};

function StandingBadge({ ev }: { ev: EventRow }) {
  const standing = ev.scoring?.standing ?? (ev.retracted ? 'retracted' : undefined);
  if (!standing) return null;
  const s = STANDING[standing];
  return (
    <Badge size="xs" color={s.color} variant={standing === 'counts' ? 'light' : 'outline'} title={ev.retracted ? `${s.title} (operation ${ev.retractedBy})` : s.title} data-testid="event-standing">
      {s.label}
    </Badge>
  );
}

export function EventList({ citizenId }: { citizenId: string }) {
  const { query, rows } = useCitizenEvents(citizenId);
  const { mayAct } = useAccess();
  const disputes = useCitizenDisputes(citizenId);
  const byEvent = useMemo(() => disputesByEvent(disputes.data), [disputes.data]);
  const [disputing, setDisputing] = useState<DisputeTarget | null>(null);
  const [retracting, setRetracting] = useState<{ eventId: string; label: string } | null>(null);
  const qc = useQueryClient();
  const { data: current } = useQuery({ queryKey: ['rulesetCurrent'], queryFn: () => call('rulesetCurrent', {}) });
  const groups = useMemo(() => groupByKind(rows, current?.kinds ?? []), [rows, current]);
  if (query.data && rows.length === 0) return <Text c="dimmed">No events recorded.</Text>;
  const actionsFor = (ev: EventRow, active: boolean | undefined) => {
    const label = `${ev.kind.replace(/_/g, ' ')} of ${when(ev.occurredAt)} (${ev.eventId})`;
    if (!mayAct || ev.retracted || active) return null;
    return (
      <Group gap={2} wrap="nowrap">
        <Button size="compact-xs" variant="subtle" color="orange" onClick={() => setDisputing({ eventId: ev.eventId, label })} data-testid="event-dispute-button">
          Dispute
        </Button>
        <Button size="compact-xs" variant="subtle" color="gray" onClick={() => setRetracting({ eventId: ev.eventId, label })} data-testid="event-retract-button">
          Retract
        </Button>
      </Group>
    );
  };
  return (
    <>
      <Stack gap="md" data-testid="event-list" style={{ maxHeight: 640, overflow: 'auto' }}>
        {groups.map((g) => (
          <div key={g.kind} data-testid="event-kind-group" data-kind={g.kind}>
            <Text fw={600} size="sm" mb={4}>
              {g.kind.replace(/_/g, ' ')}{' '}
              <Text span size="xs" c="dimmed">
                ({g.rows.length})
              </Text>
            </Text>
            <Table.ScrollContainer minWidth={700}>
              <Table striped withTableBorder fz="xs" verticalSpacing={4}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Occurred (UTC)</Table.Th>
                    {g.fields.map((f) => (
                      <Table.Th key={f.name} title={f.protected ? 'protected: kept on record, never read by a rule' : f.type}>
                        {f.name.replace(/_/g, ' ')}
                        {f.protected ? ' 🔒' : ''}
                      </Table.Th>
                    ))}
                    <Table.Th ta="right">Points</Table.Th>
                    <Table.Th>Counts?</Table.Th>
                    <Table.Th>Event</Table.Th>
                    <Table.Th />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {g.rows.map((ev) => {
                    const dispute = byEvent.get(ev.eventId);
                    const active = dispute && isActive(dispute);
                    return (
                      <Table.Tr key={ev.eventId} data-testid="event-row" data-event-id={ev.eventId} style={{ opacity: ev.retracted ? 0.6 : 1, background: active ? 'var(--mantine-color-orange-0)' : undefined }}>
                        <Table.Td ff="monospace" style={{ whiteSpace: 'nowrap', textDecoration: ev.retracted ? 'line-through' : undefined }}>
                          {when(ev.occurredAt)}
                        </Table.Td>
                        {g.fields.map((f) => (
                          <Table.Td key={f.name} c={ev.masked?.includes(f.name) ? 'dimmed' : undefined}>
                            {cell(ev.data[f.name])}
                          </Table.Td>
                        ))}
                        <Table.Td ta="right" ff="monospace" style={{ whiteSpace: 'nowrap' }} data-testid="event-points">
                          {ev.scoring?.rules.length ? ev.scoring.rules.map((r) => <div key={r.ruleId} title={r.ruleName}>{points(r.points)}</div>) : '—'}
                        </Table.Td>
                        <Table.Td>
                          <Group gap={4} wrap="nowrap">
                            <StandingBadge ev={ev} />
                            {dispute && (
                              <Badge
                                size="xs"
                                color={active ? 'orange' : dispute.status === 'upheld' ? 'teal' : 'gray'}
                                variant={active ? 'filled' : 'light'}
                                title={`dispute #${dispute.id}: ${disputeLabel(dispute.status)}`}
                                data-testid="event-disputed-badge"
                              >
                                {active ? 'disputed' : `dispute ${disputeLabel(dispute.status)}`}
                              </Badge>
                            )}
                          </Group>
                        </Table.Td>
                        <Table.Td>
                          <Text size="xs" ff="monospace" c="dimmed">
                            {ev.eventId}
                          </Text>
                          <EventSourceLabel source={ev.source} />
                        </Table.Td>
                        <Table.Td>{actionsFor(ev, active)}</Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </div>
        ))}
        {query.hasNextPage && (
          <Button variant="default" size="xs" w="fit-content" loading={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()} data-testid="event-list-more">
            Show more events ({rows.length} of {query.data?.pages[0]?.total ?? '…'} shown)
          </Button>
        )}
      </Stack>
      {disputing && <OpenDisputeModal citizenId={citizenId} target={disputing} onClose={() => setDisputing(null)} />}
      {retracting && (
        <ReasonModal
          title={`Retract ${retracting.label}`}
          description="Kept with the event_retracted operation; the event stays on record, marked retracted"
          minLength={10}
          confirmLabel="Retract the event"
          confirmColor="red"
          testId="event-retract"
          onClose={() => setRetracting(null)}
          onConfirm={async (reason) => {
            const r = await call('retractEvent', { eventId: retracting.eventId, reason });
            notifications.show({
              color: 'orange',
              title: `Event ${r.eventId} retracted (operation #${r.operationId})`,
              message: `Score ${score(r.before?.score)} → ${score(r.after?.score)}; ${r.scoresChanged} score${r.scoresChanged === 1 ? '' : 's'} changed`,
            });
            await refreshScores(qc);
          }}
        >
          <Text size="sm">The event stops counting and the scores it moved are recomputed now. To record a citizen's objection instead, open a dispute.</Text>
        </ReasonModal>
      )}
    </>
  );
}
