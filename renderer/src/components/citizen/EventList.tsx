/**
 * A citizen's events, newest first, virtualised and fetched page by page;
 * retracted ones marked, disputed ones flagged, and for officials a
 * "Dispute" action that records the citizen's statement.
 */
import { Badge, Box, Button, Code, Text } from '@mantine/core';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Dispute } from '../../../../shared/contract';
import { call, purposeFor } from '../../api';
import { score, when } from '../../format';
import { refreshScores } from './refresh';
import { ReasonModal } from './ReasonModal';
import { useAccess } from '../approvals/access';
import { DISPUTE_LABEL, isActive, useCitizenDisputes } from './disputeStatus';
import { OpenDisputeModal, type DisputeTarget } from './OpenDisputeModal';
import { EventSourceLabel } from './EventSource';

const PAGE = 200;
const ROW = 34;

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

export function EventList({ citizenId }: { citizenId: string }) {
  const { query, rows } = useCitizenEvents(citizenId);
  const { mayAct } = useAccess();
  const disputes = useCitizenDisputes(citizenId);
  const byEvent = useMemo(() => disputesByEvent(disputes.data), [disputes.data]);
  const [disputing, setDisputing] = useState<DisputeTarget | null>(null);
  const [retracting, setRetracting] = useState<{ eventId: string; label: string } | null>(null);
  const qc = useQueryClient();
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW, overscan: 10 });
  const items = virtual.getVirtualItems();
  useEffect(() => {
    const last = items[items.length - 1];
    if (last && last.index >= rows.length - 30 && query.hasNextPage && !query.isFetchingNextPage) void query.fetchNextPage();
  }, [items, rows.length, query]);
  if (query.data && rows.length === 0) return <Text c="dimmed">No events recorded.</Text>;
  return (
    <>
      <div ref={scrollRef} style={{ height: Math.min(420, Math.max(ROW * 3, rows.length * ROW)), overflow: 'auto', border: '1px solid var(--mantine-color-gray-3)', borderRadius: 4 }} data-testid="event-list">
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const ev = rows[item.index];
            const dispute = byEvent.get(ev.eventId);
            const active = dispute && isActive(dispute);
            return (
              <Box
                key={ev.eventId}
                data-testid="event-row"
                data-event-id={ev.eventId}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  height: ROW,
                  transform: `translateY(${item.start}px)`,
                  display: 'flex',
                  alignItems: 'center',
                  gap: 12,
                  padding: '0 10px',
                  borderBottom: '1px solid var(--mantine-color-gray-2)',
                  opacity: ev.retracted ? 0.6 : 1,
                  background: active ? 'var(--mantine-color-orange-0)' : undefined,
                }}
              >
                <Text size="xs" ff="monospace" w={130} style={{ textDecoration: ev.retracted ? 'line-through' : undefined }}>
                  {when(ev.occurredAt)}
                </Text>
                <Text size="xs" w={170} fw={500}>
                  {ev.kind.replace(/_/g, ' ')}
                </Text>
                <Code style={{ flex: 1, overflow: 'hidden', whiteSpace: 'nowrap', textOverflow: 'ellipsis' }}>{JSON.stringify(ev.data)}</Code>
                <Text size="xs" ff="monospace" c="dimmed" w={110}>
                  {ev.eventId}
                </Text>
                <EventSourceLabel source={ev.source} />
                {ev.retracted && (
                  <Badge size="xs" color="gray" title={`retracted by operation ${ev.retractedBy}`}>
                    retracted
                  </Badge>
                )}
                {dispute && (
                  <Badge
                    size="xs"
                    color={active ? 'orange' : dispute.status === 'upheld' ? 'teal' : 'gray'}
                    variant={active ? 'filled' : 'light'}
                    title={`dispute #${dispute.id}: ${DISPUTE_LABEL[dispute.status]}`}
                    data-testid="event-disputed-badge"
                  >
                    {active ? 'disputed' : `dispute ${DISPUTE_LABEL[dispute.status]}`}
                  </Badge>
                )}
                {mayAct && !ev.retracted && !active && (
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    color="orange"
                    onClick={() => setDisputing({ eventId: ev.eventId, label: `${ev.kind.replace(/_/g, ' ')} of ${when(ev.occurredAt)} (${ev.eventId})` })}
                    data-testid="event-dispute-button"
                  >
                    Dispute
                  </Button>
                )}
                {mayAct && !ev.retracted && !active && (
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    color="gray"
                    onClick={() => setRetracting({ eventId: ev.eventId, label: `${ev.kind.replace(/_/g, ' ')} of ${when(ev.occurredAt)} (${ev.eventId})` })}
                    data-testid="event-retract-button"
                  >
                    Retract
                  </Button>
                )}
              </Box>
            );
          })}
        </div>
      </div>
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
