/**
 * Search: as-you-type by name or id, filters by district, tier and score,
 * sortable columns, a virtualised result list fetched page by page, and
 * keyboard navigation (arrows move, Enter opens, / focuses the search box).
 * Only the search box and the result list itself steer the results: keys
 * typed in the other filters belong to those filters, so choosing a tier
 * with the arrow keys never opens (and logs) a record.
 */
import { Stack, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';
import type { CitizenSummary } from '../../../shared/contract';
import { call } from '../api';
import { ErrorNote } from '../components/ErrorNote';
import { loadFilters, saveFilters, searchParams, type Filters, type Sort } from '../components/search/filters';
import { ResultList, ROW_HEIGHT } from '../components/search/ResultList';
import { SearchFilters } from '../components/search/SearchFilters';
import { count } from '../format';
import { usePageTitle } from '../pageTitle';

const PAGE = 100;
/** Rows moved by PageUp / PageDown. */
const PAGE_STEP = 15;

/** The results of the filters, a page at a time as the list scrolls. */
function useSearchResults(filters: Filters) {
  const [debouncedQuery] = useDebouncedValue(filters.query, 120);
  const params = useMemo(
    () => searchParams(filters, debouncedQuery),
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
  return { params, results, rows, total: results.data?.pages[0]?.total ?? 0, capped: !!results.data?.pages[0]?.capped };
}

/** "/" anywhere outside a text field focuses the search box. */
function useSlashToSearch(inputRef: React.RefObject<HTMLInputElement | null>) {
  useEffect(() => {
    const slash = (e: KeyboardEvent) => {
      if (e.key === '/' && document.activeElement?.tagName !== 'INPUT') {
        e.preventDefault();
        inputRef.current?.focus();
      }
    };
    window.addEventListener('keydown', slash);
    return () => window.removeEventListener('keydown', slash);
  }, [inputRef]);
}

function SearchTotal({ loading, capped, total }: { loading: boolean; capped: boolean; total: number }) {
  const { t } = useTranslation('search');
  const status = loading ? t('searching') : capped ? t('capped', { shown: count(total) }) : t('total', { count: total, total: count(total) });
  return (
    <Text id="search-help" size="sm" c="dimmed" data-testid="search-total">
      {status} · {t('keys')}
    </Text>
  );
}

export function SearchPage() {
  const { t } = useTranslation('search');
  usePageTitle(t('pageTitle'));
  const [filters, setFilters] = useState<Filters>(loadFilters);
  const [selected, setSelected] = useState(0);
  const [, navigate] = useLocation();
  const inputRef = useRef<HTMLInputElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const update = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));
  useEffect(() => saveFilters(filters), [filters]);

  const { params, results, rows, total, capped } = useSearchResults(filters);
  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtual.getVirtualItems();
  useEffect(() => {
    const last = items[items.length - 1];
    if (last && last.index >= rows.length - 20 && results.hasNextPage && !results.isFetchingNextPage) void results.fetchNextPage();
  }, [items, rows.length, results]);
  useEffect(() => setSelected(0), [params]);
  useSlashToSearch(inputRef);

  const open = (row: CitizenSummary | undefined) => row && navigate(`/citizen/${encodeURIComponent(row.citizenId)}`);
  const moveTo = (index: number) => {
    const next = Math.max(0, Math.min(rows.length - 1, index));
    setSelected(next);
    virtual.scrollToIndex(next, { align: 'auto' });
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.target !== inputRef.current && e.target !== scrollRef.current) return;
    const step = { ArrowDown: 1, ArrowUp: -1, PageDown: PAGE_STEP, PageUp: -PAGE_STEP }[e.key];
    if (step !== undefined) {
      e.preventDefault();
      moveTo(selected + step);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      open(rows[selected]);
    }
  };
  const sortBy = (key: Sort) => update(filters.sort === key ? { descending: !filters.descending } : { sort: key, descending: key === 'score' });

  return (
    <Stack onKeyDown={onKeyDown}>
      <Title order={2}>{t('title')}</Title>
      <SearchFilters filters={filters} update={update} inputRef={inputRef} />
      <SearchTotal loading={results.isLoading} capped={capped} total={total} />
      <ErrorNote error={results.error} />
      <ResultList rows={rows} loading={results.isLoading} filters={filters} sortBy={sortBy} selected={selected} setSelected={setSelected} open={open} virtual={virtual} scrollRef={scrollRef} />
    </Stack>
  );
}
