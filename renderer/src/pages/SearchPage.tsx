/**
 * Search: as-you-type by name or id, filters by district, tier and score,
 * sortable columns, a virtualised result list fetched page by page, and
 * keyboard navigation (arrows move, Enter opens, / focuses the search box).
 * Only the search box and the result list itself steer the results: keys
 * typed in the other filters belong to those filters, so choosing a tier
 * with the arrow keys never opens (and logs) a record.
 */
import { Box, Group, NumberInput, Select, Stack, Table, Text, TextInput, Title, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';
import type { CitizenSummary, Input } from '../../../shared/contract';
import { call } from '../api';
import { ErrorNote } from '../components/ErrorNote';
import { TierBadge } from '../components/TierBadge';
import { count, score } from '../format';
import { usePageTitle } from '../pageTitle';

type Sort = NonNullable<Input<'search'>['sort']>;
const PAGE = 100;
const ROW_HEIGHT = 38;
const STORAGE_KEY = 'credence.search';

interface Filters {
  query: string;
  district: string | null;
  tier: string | null;
  /** In scope (scored) or out of scope (not scored: consent required and not given). */
  scope: 'in' | 'out' | null;
  minScore: number | '';
  maxScore: number | '';
  sort: Sort;
  descending: boolean;
}

const INITIAL: Filters = { query: '', district: null, tier: null, scope: null, minScore: '', maxScore: '', sort: 'citizenId', descending: false };

function loadFilters(): Filters {
  try {
    return { ...INITIAL, ...JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? '{}') };
  } catch {
    return INITIAL;
  }
}

const COLUMNS: { key: Sort; label: string; width: string; align?: 'right' }[] = [
  { key: 'citizenId', label: 'ID', width: '16%' },
  { key: 'name', label: 'Name', width: '34%' },
  { key: 'district', label: 'District', width: '22%' },
  { key: 'score', label: 'Score', width: '16%', align: 'right' },
];

export function SearchPage() {
  usePageTitle('Search');
  const [filters, setFilters] = useState<Filters>(loadFilters);
  const [debouncedQuery] = useDebouncedValue(filters.query, 120);
  const [selected, setSelected] = useState(0);
  const [, navigate] = useLocation();
  const inputRef = useRef<HTMLInputElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const update = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));

  useEffect(() => sessionStorage.setItem(STORAGE_KEY, JSON.stringify(filters)), [filters]);

  const { data: districts } = useQuery({ queryKey: ['districts'], queryFn: () => call('districts', {}) });
  const { data: current } = useQuery({ queryKey: ['rulesetCurrent'], queryFn: () => call('rulesetCurrent', {}) });

  const params = useMemo(
    () => ({
      query: debouncedQuery,
      district: filters.district ?? undefined,
      tier: filters.tier ?? undefined,
      scope: filters.scope ?? undefined,
      minScore: filters.minScore === '' ? undefined : filters.minScore,
      maxScore: filters.maxScore === '' ? undefined : filters.maxScore,
      sort: filters.sort,
      descending: filters.descending,
    }),
    [debouncedQuery, filters.district, filters.tier, filters.scope, filters.minScore, filters.maxScore, filters.sort, filters.descending],
  );
  const results = useInfiniteQuery({
    queryKey: ['search', params],
    queryFn: ({ pageParam }) => call('search', { ...params, offset: pageParam, limit: PAGE }),
    initialPageParam: 0,
    getNextPageParam: (last, pages) => (pages.length * PAGE < last.total ? pages.length * PAGE : undefined),
    placeholderData: (prev) => prev,
  });
  const rows: CitizenSummary[] = useMemo(() => results.data?.pages.flatMap((p) => p.rows) ?? [], [results.data]);
  const total = results.data?.pages[0]?.total ?? 0;

  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtual.getVirtualItems();
  useEffect(() => {
    const last = items[items.length - 1];
    if (last && last.index >= rows.length - 20 && results.hasNextPage && !results.isFetchingNextPage) void results.fetchNextPage();
  }, [items, rows.length, results]);
  useEffect(() => setSelected(0), [params]);

  const open = (row: CitizenSummary | undefined) => row && navigate(`/citizen/${encodeURIComponent(row.citizenId)}`);
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.target !== inputRef.current && e.target !== scrollRef.current) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = Math.max(0, Math.min(rows.length - 1, selected + (e.key === 'ArrowDown' ? 1 : -1)));
      setSelected(next);
      virtual.scrollToIndex(next, { align: 'auto' });
    } else if (e.key === 'PageDown' || e.key === 'PageUp') {
      e.preventDefault();
      const next = Math.max(0, Math.min(rows.length - 1, selected + (e.key === 'PageDown' ? 15 : -15)));
      setSelected(next);
      virtual.scrollToIndex(next, { align: 'auto' });
    } else if (e.key === 'Enter') {
      e.preventDefault();
      open(rows[selected]);
    }
  };
  useEffect(() => {
    const slash = (e: KeyboardEvent) => {
      if (e.key === '/' && document.activeElement?.tagName !== 'INPUT') {
        e.preventDefault();
        inputRef.current?.focus();
      }
    };
    window.addEventListener('keydown', slash);
    return () => window.removeEventListener('keydown', slash);
  }, []);

  const { t: tc } = useTranslation('consent');
  const sortBy = (key: Sort) => update(filters.sort === key ? { descending: !filters.descending } : { sort: key, descending: key === 'score' });

  return (
    <Stack onKeyDown={onKeyDown}>
      <Title order={2}>Search citizens</Title>
      <Group align="flex-end" wrap="wrap">
        <TextInput
          ref={inputRef}
          autoFocus
          label="Name or ID"
          placeholder="e.g. Wang Wei or C0000042"
          value={filters.query}
          onChange={(e) => update({ query: e.currentTarget.value })}
          w={320}
          data-testid="search-input"
          aria-describedby="search-help"
        />
        <Select label="District" placeholder="All" clearable data={districts ?? []} value={filters.district} onChange={(v) => update({ district: v })} w={170} data-testid="filter-district" />
        <Select label="Tier" placeholder="All" clearable data={current?.spec?.tiers.map((t) => t.name) ?? []} value={filters.tier} onChange={(v) => update({ tier: v })} w={110} data-testid="filter-tier" />
        <Select
          label={tc('search.scope')}
          placeholder={tc('search.any')}
          clearable
          data={[
            { value: 'in', label: tc('search.in') },
            { value: 'out', label: tc('search.out') },
          ]}
          value={filters.scope}
          onChange={(v) => update({ scope: v === 'in' || v === 'out' ? v : null })}
          w={210}
          data-testid="filter-scope"
        />
        <NumberInput label="Score from" value={filters.minScore} onChange={(v) => update({ minScore: typeof v === 'number' ? v : '' })} w={120} hideControls />
        <NumberInput label="to" value={filters.maxScore} onChange={(v) => update({ maxScore: typeof v === 'number' ? v : '' })} w={120} hideControls />
      </Group>
      <Text id="search-help" size="sm" c="dimmed" data-testid="search-total">
        {results.isLoading
          ? 'Searching…'
          : results.data?.pages[0]?.capped
            ? `More than ${count(total)} citizens match: showing the first ${count(total)}; narrow the search`
            : `${count(total)} citizen${total === 1 ? '' : 's'}`}{' '}
        · ↑ ↓ to move, Enter to open (in the search box or the list), / to search
      </Text>
      <ErrorNote error={results.error} />
      <Box style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 4 }}>
        <Table layout="fixed" style={{ tableLayout: 'fixed' }}>
          <Table.Thead>
            <Table.Tr>
              {COLUMNS.map((c) => (
                <Table.Th key={c.key} w={c.width} ta={c.align}>
                  <UnstyledButton onClick={() => sortBy(c.key)} fw={600} aria-sort={filters.sort === c.key ? (filters.descending ? 'descending' : 'ascending') : 'none'}>
                    {c.label} {filters.sort === c.key ? (filters.descending ? '▼' : '▲') : ''}
                  </UnstyledButton>
                </Table.Th>
              ))}
              <Table.Th w="12%">Tier</Table.Th>
            </Table.Tr>
          </Table.Thead>
        </Table>
        <div ref={scrollRef} style={{ height: 'calc(100vh - 330px)', minHeight: 240, overflow: 'auto' }} data-testid="search-results"
          role="listbox"
          aria-label="search results"
          tabIndex={0}
          aria-activedescendant={rows[selected] ? `search-row-${rows[selected].citizenId}` : undefined}
        >
          <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
            {items.map((item) => {
              const row = rows[item.index];
              const active = item.index === selected;
              return (
                <div
                  key={row.citizenId}
                  role="option"
                  id={`search-row-${row.citizenId}`}
                  aria-selected={active}
                  data-testid="search-row"
                  onClick={() => open(row)}
                  onMouseEnter={() => setSelected(item.index)}
                  style={{
                    position: 'absolute',
                    top: 0,
                    left: 0,
                    right: 0,
                    height: ROW_HEIGHT,
                    transform: `translateY(${item.start}px)`,
                    display: 'flex',
                    alignItems: 'center',
                    cursor: 'pointer',
                    borderBottom: '1px solid var(--mantine-color-gray-2)',
                    background: active ? 'var(--mantine-color-indigo-0)' : undefined,
                    padding: '0 10px',
                    fontSize: 14,
                  }}
                >
                  <span style={{ width: '16%', fontFamily: 'monospace' }}>{row.citizenId}</span>
                  <span style={{ width: '34%' }}>
                    {row.name}
                    {row.nameLatin && (
                      <>
                        {' '}
                        <Text span size="xs" c="dimmed">{row.nameLatin}</Text>
                      </>
                    )}
                  </span>
                  <span style={{ width: '22%' }}>{row.district}</span>
                  <span style={{ width: '16%', textAlign: 'right', fontVariantNumeric: 'tabular-nums', paddingRight: 16 }}>{score(row.score)}</span>
                  <span style={{ width: '12%' }}>
                    <TierBadge tier={row.tier} size="sm" />
                  </span>
                </div>
              );
            })}
          </div>
          {!results.isLoading && rows.length === 0 && (
            <Text p="md" c="dimmed">
              No citizen matches.
            </Text>
          )}
        </div>
      </Box>
    </Stack>
  );
}
