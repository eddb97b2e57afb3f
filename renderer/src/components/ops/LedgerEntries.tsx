/**
 * The ledger entries one operation wrote, in ledger order. An operation can
 * write 100k entries, so the table is virtualised and fetches only the pages
 * of entries that scroll into view; entries never change, so a fetched page
 * is kept for the session.
 */
import { Anchor, Badge, Box, Group, Popover, Stack, Table, Text } from '@mantine/core';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { LedgerEntry } from '../../../../shared/contract';
import { call } from '../../api';
import { score } from '../../format';
import { ErrorNote } from '../ErrorNote';
import { TierBadge } from '../TierBadge';

export const LEDGER_PAGE = 500;
const ROW_HEIGHT = 42;
const MAX_HEIGHT = 640;
const FRIENDS_INLINE = 2;

/** One page of an operation's entries; page 0 also carries the operation itself. */
export const ledgerPageQuery = (operationId: number, page: number) => ({
  queryKey: ['operationLedger', operationId, page] as const,
  queryFn: () => call('operationLedger', { operationId, offset: page * LEDGER_PAGE, limit: LEDGER_PAGE }),
  staleTime: Infinity,
});

export const useOperationWithLedger = (operationId: number, enabled = true) => useQuery({ ...ledgerPageQuery(operationId, 0), enabled });

const citizenLink = (id: string) => (
  <Anchor key={id} component={Link} href={`/citizen/${encodeURIComponent(id)}`} ff="monospace" fz="sm">
    {id}
  </Anchor>
);

function ScoreChange({ e }: { e: LedgerEntry }) {
  const { t } = useTranslation('operations');
  const delta = e.oldScore === null || e.newScore === null ? null : e.newScore - e.oldScore;
  return (
    <Group gap={6} wrap="nowrap" ff="monospace" fz="sm">
      <Text span c="dimmed" fz="sm">
        {score(e.oldScore)}
      </Text>
      <Text span fz="sm">→</Text>
      <Text span fw={600} fz="sm">
        {score(e.newScore)}
      </Text>
      {delta === null ? (
        <Text span c="dimmed" fz="xs">
          {e.cause !== 'scope' ? t('entries.firstScore') : e.newScore === null ? t('entries.leftScope') : t('entries.enteredScope')}
        </Text>
      ) : (
        <Text span fz="xs" c={delta > 0 ? 'var(--credence-ok-text)' : delta < 0 ? 'red.9' : 'dimmed'}>
          ({delta > 0 ? '+' : delta < 0 ? '−' : '±'}
          {score(Math.abs(delta))})
        </Text>
      )}
    </Group>
  );
}

function TierChange({ e }: { e: LedgerEntry }) {
  if (e.oldTier === e.newTier) return <TierBadge tier={e.newTier} size="sm" />;
  return (
    <Group gap={4} wrap="nowrap">
      <TierBadge tier={e.oldTier} size="sm" />
      <Text span fz="sm">
        →
      </Text>
      <TierBadge tier={e.newTier} size="sm" />
    </Group>
  );
}

function Cause({ e }: { e: LedgerEntry }) {
  const { t } = useTranslation('operations');
  if (e.cause === 'own') {
    return (
      <Badge variant="light" color="gray" tt="none" title={t('entries.ownTitle')}>
        {t('entries.ownRecords')}
      </Badge>
    );
  }
  if (e.cause === 'scope') {
    return (
      <Badge variant="light" color="teal" tt="none" title={t('entries.scopeTitle')}>
        {t('entries.scope')}
      </Badge>
    );
  }
  // "+1 more" would take the room of the one friend it hides.
  const shown = e.causeFriends.length <= FRIENDS_INLINE + 1 ? e.causeFriends : e.causeFriends.slice(0, FRIENDS_INLINE);
  const rest = e.causeFriends.length - shown.length;
  return (
    <Group gap={6} wrap="nowrap" style={{ overflow: 'hidden' }}>
      <Badge variant="light" color="cyan" tt="none" title={t('entries.friendsTitle')}>
        {t('entries.friends')}
      </Badge>
      {shown.map(citizenLink)}
      {rest > 0 && (
        <Popover width={260} position="bottom-start" shadow="md" withinPortal>
          <Popover.Target>
            <Anchor component="button" type="button" fz="sm">
              {t('entries.more', { count: rest })}
            </Anchor>
          </Popover.Target>
          <Popover.Dropdown>
            <Text size="xs" c="dimmed" mb={4}>
              {t('entries.friendsList', { count: e.causeFriends.length })}
            </Text>
            <Stack gap={2} mah={240} style={{ overflowY: 'auto' }}>
              {e.causeFriends.map(citizenLink)}
            </Stack>
          </Popover.Dropdown>
        </Popover>
      )}
    </Group>
  );
}

const cell = { whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' } as const;

function EntryRow({ e }: { e: LedgerEntry }) {
  const { t } = useTranslation('operations');
  return (
    <Table.Tr h={ROW_HEIGHT} data-testid="ledger-row">
      <Table.Td ff="monospace" fz="sm" style={cell}>
        {e.seq}
      </Table.Td>
      <Table.Td style={cell}>{citizenLink(e.citizenId)}</Table.Td>
      <Table.Td style={cell}>
        <ScoreChange e={e} />
      </Table.Td>
      <Table.Td style={cell}>
        <TierChange e={e} />
      </Table.Td>
      <Table.Td style={cell}>
        <Cause e={e} />
      </Table.Td>
      <Table.Td fz="sm" style={cell}>
        {t('entries.version', { version: e.rulesetVersion })}
      </Table.Td>
      <Table.Td ff="monospace" fz="xs" c="dimmed" style={cell} title={e.hash}>
        {e.hash.slice(0, 12)}…
      </Table.Td>
    </Table.Tr>
  );
}

export function LedgerEntries({ operationId, total }: { operationId: number; total: number }) {
  const { t } = useTranslation('operations');
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: total, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtual.getVirtualItems();
  const firstPage = Math.floor((items[0]?.index ?? 0) / LEDGER_PAGE);
  const lastPage = Math.floor((items[items.length - 1]?.index ?? 0) / LEDGER_PAGE);
  const pages = Array.from({ length: lastPage - firstPage + 1 }, (_, k) => firstPage + k);
  const results = useQueries({ queries: pages.map((p) => ledgerPageQuery(operationId, p)) });
  const entryAt = (i: number): LedgerEntry | undefined => results[Math.floor(i / LEDGER_PAGE) - firstPage]?.data?.rows[i % LEDGER_PAGE];
  const failed = results.find((r) => r.error)?.error;

  const top = items[0]?.start ?? 0;
  const bottom = items.length ? virtual.getTotalSize() - items[items.length - 1].end : 0;
  return (
    <>
      <ErrorNote error={failed} title={t('entries.loadFailed')} />
      <Box ref={scroller} h={Math.min(MAX_HEIGHT, (total + 1) * ROW_HEIGHT + 4)} style={{ overflowY: 'auto', border: '1px solid var(--mantine-color-gray-3)', borderRadius: 4 }} data-testid="ledger-scroller">
        <Table stickyHeader layout="fixed" highlightOnHover verticalSpacing={0} data-testid="ledger-table">
          <Table.Thead>
            <Table.Tr h={ROW_HEIGHT}>
              <Table.Th w={90}>{t('entries.seq')}</Table.Th>
              <Table.Th w={130}>{t('entries.citizen')}</Table.Th>
              <Table.Th w={250}>{t('entries.scoreChange')}</Table.Th>
              <Table.Th w={120}>{t('entries.tier')}</Table.Th>
              <Table.Th>{t('entries.cause')}</Table.Th>
              <Table.Th w={80}>{t('entries.ruleset')}</Table.Th>
              <Table.Th w={130}>{t('entries.hash')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {top > 0 && <tr style={{ height: top }} aria-hidden />}
            {items.map((item) => {
              const e = entryAt(item.index);
              return e ? (
                <EntryRow key={item.key} e={e} />
              ) : (
                <Table.Tr key={item.key} h={ROW_HEIGHT}>
                  <Table.Td colSpan={7}>
                    <Text size="sm" c="dimmed">
                      {t('entries.loading', { n: item.index + 1 })}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              );
            })}
            {bottom > 0 && <tr style={{ height: bottom }} aria-hidden />}
          </Table.Tbody>
        </Table>
      </Box>
    </>
  );
}
