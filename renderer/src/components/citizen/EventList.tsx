/** A citizen's events, newest first, virtualised and fetched page by page; retracted ones marked. */
import { Badge, Box, Code, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef } from 'react';
import { call } from '../../api';
import { when } from '../../format';

const PAGE = 200;
const ROW = 34;

export function EventList({ citizenId }: { citizenId: string }) {
  const query = useInfiniteQuery({
    queryKey: ['citizenEvents', citizenId],
    queryFn: ({ pageParam }) => call('citizenEvents', { citizenId, offset: pageParam, limit: PAGE }),
    initialPageParam: 0,
    getNextPageParam: (last, pages) => (pages.length * PAGE < last.total ? pages.length * PAGE : undefined),
  });
  const rows = useMemo(() => query.data?.pages.flatMap((p) => p.rows) ?? [], [query.data]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW, overscan: 10 });
  const items = virtual.getVirtualItems();
  useEffect(() => {
    const last = items[items.length - 1];
    if (last && last.index >= rows.length - 30 && query.hasNextPage && !query.isFetchingNextPage) void query.fetchNextPage();
  }, [items, rows.length, query]);
  if (query.data && rows.length === 0) return <Text c="dimmed">No events recorded.</Text>;
  return (
    <div ref={scrollRef} style={{ height: Math.min(420, Math.max(ROW * 3, rows.length * ROW)), overflow: 'auto', border: '1px solid var(--mantine-color-gray-3)', borderRadius: 4 }} data-testid="event-list">
      <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
        {items.map((item) => {
          const ev = rows[item.index];
          return (
            <Box
              key={ev.eventId}
              data-testid="event-row"
              style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW, transform: `translateY(${item.start}px)`, display: 'flex', alignItems: 'center', gap: 12, padding: '0 10px', borderBottom: '1px solid var(--mantine-color-gray-2)', opacity: ev.retracted ? 0.6 : 1 }}
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
              {ev.retracted && (
                <Badge size="xs" color="gray" title={`retracted by operation ${ev.retractedBy}`}>
                  retracted
                </Badge>
              )}
            </Box>
          );
        })}
      </div>
    </div>
  );
}
