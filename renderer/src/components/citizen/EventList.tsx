/**
 * A citizen's events, newest first, fetched page by page and shown per kind
 * with the kind's fields as columns: the points each rule gives the event
 * and whether they count (expired by the ttl, after the scoring date,
 * retracted, disputed), and for officials "Dispute" (the citizen's
 * statement) and "Retract" (with a reason).
 */
import { Badge, Button, Group, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Dispute, EventRow } from '../../../../shared/contract';
import type { EventKindSpec } from '../../../../shared/domain';
import { call, purposeFor } from '../../api';
import { count, day, points, score, when } from '../../format';
import { refreshScores } from './refresh';
import { ReasonModal } from './ReasonModal';
import { useAccess } from '../approvals/access';
import { disputeLabel, isActive, useCitizenDisputes } from './disputeStatus';
import { OpenDisputeModal, type DisputeTarget } from './OpenDisputeModal';
import { EventSourceLabel } from './EventSource';
import { eventFieldLabel, eventKindLabel, eventValueLabel, fieldTypeLabel } from './eventKinds';
import i18next from '../../i18n';

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

/** A date field is written the reader's way (2026/10/27 in Chinese), as the record's other dates are. */
const cell = (field: string, type: string, v: unknown): string =>
  v === undefined || v === null
    ? ''
    : typeof v === 'boolean'
      ? i18next.t(v ? 'citizen:yes' : 'citizen:no')
      : typeof v === 'string'
        ? type === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(v)
          ? day(v)
          : eventValueLabel(field, v)
        : String(v);

/** Each standing's words are citizen:standing.<standing> (label) and citizen:standing.<standing>_title. */
const STANDING_COLOR: Record<NonNullable<EventRow['scoring']>['standing'], string> = {
  counts: 'teal',
  expired: 'gray',
  future: 'blue',
  no_points: 'gray',
  retracted: 'gray',
  unscored: 'gray',
};

function StandingBadge({ ev }: { ev: EventRow }) {
  const { t } = useTranslation('citizen');
  const standing = ev.scoring?.standing ?? (ev.retracted ? 'retracted' : undefined);
  if (!standing) return null;
  const title = t(`standing.${standing}_title`);
  return (
    <Badge
      size="xs"
      color={STANDING_COLOR[standing]}
      variant={standing === 'counts' ? 'light' : 'outline'}
      title={ev.retracted ? t('standing.retractedBy', { title, operation: ev.retractedBy }) : title}
      data-testid="event-standing"
    >
      {t(`standing.${standing}`)}
    </Badge>
  );
}

export function EventList({ citizenId }: { citizenId: string }) {
  const { t } = useTranslation('citizen');
  const { query, rows } = useCitizenEvents(citizenId);
  const { mayAct } = useAccess();
  const disputes = useCitizenDisputes(citizenId);
  const byEvent = useMemo(() => disputesByEvent(disputes.data), [disputes.data]);
  const [disputing, setDisputing] = useState<DisputeTarget | null>(null);
  const [retracting, setRetracting] = useState<{ eventId: string; label: string } | null>(null);
  const qc = useQueryClient();
  const { data: current } = useQuery({ queryKey: ['rulesetCurrent'], queryFn: () => call('rulesetCurrent', {}) });
  const groups = useMemo(() => groupByKind(rows, current?.kinds ?? []), [rows, current]);
  if (query.data && rows.length === 0) return <Text c="dimmed">{t('events.none')}</Text>;
  const actionsFor = (ev: EventRow, active: boolean | undefined) => {
    const label = t('events.label', { kind: eventKindLabel(ev.kind), at: when(ev.occurredAt), id: ev.eventId });
    if (!mayAct || ev.retracted || active) return null;
    return (
      <Group gap={2} wrap="nowrap">
        <Button size="compact-xs" variant="subtle" color="orange" onClick={() => setDisputing({ eventId: ev.eventId, label })} data-testid="event-dispute-button">
          {t('events.dispute')}
        </Button>
        <Button size="compact-xs" variant="subtle" color="gray" onClick={() => setRetracting({ eventId: ev.eventId, label })} data-testid="event-retract-button">
          {t('events.retract')}
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
              {eventKindLabel(g.kind)}{' '}
              <Text span size="xs" c="dimmed">
                ({g.rows.length})
              </Text>
            </Text>
            <Table.ScrollContainer minWidth={700}>
              <Table striped withTableBorder fz="xs" verticalSpacing={4}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('events.occurred')}</Table.Th>
                    {g.fields.map((f) => (
                      <Table.Th key={f.name} title={f.protected ? t('events.protectedTitle') : fieldTypeLabel(f.type)}>
                        {eventFieldLabel(f.name)}
                        {/* Words, not a padlock emoji: an office workstation may have no emoji font and draw a box. */}
                        {f.protected ? t('events.protectedMark') : ''}
                      </Table.Th>
                    ))}
                    <Table.Th ta="right">{t('events.points')}</Table.Th>
                    <Table.Th>{t('events.counts')}</Table.Th>
                    <Table.Th>{t('events.event')}</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>{t('events.actions')}</VisuallyHidden>
                    </Table.Th>
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
                            {cell(f.name, f.type, ev.data[f.name])}
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
                                title={t('events.disputeTitle', { id: dispute.id, status: disputeLabel(dispute.status) })}
                                data-testid="event-disputed-badge"
                              >
                                {active ? t('events.disputed') : t('events.disputeStatus', { status: disputeLabel(dispute.status) })}
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
            {t('events.more', { shown: count(rows.length), total: query.data?.pages[0] ? count(query.data.pages[0].total) : '…' })}
          </Button>
        )}
      </Stack>
      {disputing && <OpenDisputeModal citizenId={citizenId} target={disputing} onClose={() => setDisputing(null)} />}
      {retracting && (
        <ReasonModal
          title={t('events.retractTitle', { label: retracting.label })}
          description={t('events.retractHelp')}
          minLength={10}
          confirmLabel={t('events.retractConfirm')}
          confirmColor="red"
          testId="event-retract"
          onClose={() => setRetracting(null)}
          onConfirm={async (reason) => {
            const r = await call('retractEvent', { eventId: retracting.eventId, reason });
            notifications.show({
              color: 'orange',
              title: t('events.retracted', { id: r.eventId, operation: r.operationId }),
              message: t('events.retractedScores', { count: r.scoresChanged, changed: count(r.scoresChanged), before: score(r.before?.score), after: score(r.after?.score) }),
            });
            await refreshScores(qc);
          }}
        >
          <Text size="sm">{t('events.retractEffect')}</Text>
        </ReasonModal>
      )}
    </>
  );
}
