/**
 * Every operation, newest first, filtered by kind, actor and text (reason and
 * details), a page at a time. The filters live for the session so going back
 * from an operation returns to the same list. Rows open with a click, or with
 * the arrow keys and Enter.
 */
import { Anchor, Autocomplete, Group, Loader, Pagination, Select, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import type { OperationKind } from '../../../../shared/domain';
import { call } from '../../api';
import { count } from '../../format';
import { ErrorNote } from '../ErrorNote';
import { operationKindOptions, OperationKindBadge, utcSeconds } from './operationKinds';
import { readReason } from '../../i18n/systemReason';

const PAGE_SIZE = 50;
const STORE_KEY = 'credence.operations.filters';

interface Filters {
  kind: OperationKind | null;
  actor: string;
  /** Only imports that named this provider. */
  provider: string | null;
  query: string;
  page: number;
}
const NO_FILTERS: Filters = { kind: null, actor: '', provider: null, query: '', page: 1 };

function loadFilters(): Filters {
  try {
    return { ...NO_FILTERS, ...(JSON.parse(sessionStorage.getItem(STORE_KEY) ?? '{}') as Partial<Filters>) };
  } catch {
    return NO_FILTERS;
  }
}

/** Actors seen in this session, offered as completions (the contract has no list of actors). */
const seenActors = new Set<string>();

function moveFocus(e: KeyboardEvent<HTMLTableRowElement>, open: () => void) {
  const row = e.currentTarget;
  const target = e.key === 'ArrowDown' ? row.nextElementSibling : e.key === 'ArrowUp' ? row.previousElementSibling : null;
  if (target instanceof HTMLElement) {
    e.preventDefault();
    target.focus();
  } else if (e.key === 'Enter') {
    e.preventDefault();
    open();
  }
}

export function OperationsList() {
  const { t } = useTranslation('operations');
  const [, navigate] = useLocation();
  const [filters, setFilters] = useState<Filters>(loadFilters);
  const [actor] = useDebouncedValue(filters.actor.trim(), 300);
  const [text] = useDebouncedValue(filters.query.trim(), 300);
  useEffect(() => sessionStorage.setItem(STORE_KEY, JSON.stringify(filters)), [filters]);
  const set = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, page: 1, ...patch }));

  const input = { kind: filters.kind ?? undefined, actor: actor || undefined, provider: filters.provider ?? undefined, query: text || undefined, offset: (filters.page - 1) * PAGE_SIZE, limit: PAGE_SIZE };
  const { data, error, isLoading, isFetching } = useQuery({
    queryKey: ['operations', input],
    queryFn: () => call('operations', input),
    placeholderData: keepPreviousData,
  });
  useEffect(() => data?.rows.forEach((r) => seenActors.add(r.actor)), [data]);
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;
  useEffect(() => {
    // The list may have shrunk since the page was remembered.
    if (data && filters.page > pages) setFilters((f) => ({ ...f, page: pages }));
  }, [data, pages, filters.page]);
  const range = { from: count(input.offset + 1), to: count(Math.min(data?.total ?? 0, input.offset + PAGE_SIZE)) };
  const filtered = filters.kind !== null || actor !== '' || filters.provider !== null || text !== '';

  return (
    <>
      <Group align="end" gap="sm">
        <Select
          label={t('list.kind')}
          placeholder={t('list.allKinds')}
          data={operationKindOptions()}
          value={filters.kind}
          onChange={(v) => set({ kind: v as OperationKind | null })}
          clearable
          w={220}
          data-testid="operations-filter-kind"
        />
        <Autocomplete
          label={t('list.by')}
          placeholder={t('list.byPlaceholder')}
          data={[...seenActors].sort()}
          value={filters.actor}
          onChange={(v) => set({ actor: v })}
          w={200}
          data-testid="operations-filter-actor"
        />
        <Select
          label={t('list.provider')}
          placeholder={t('list.anyProvider')}
          data={[...new Set([...(data?.providers ?? []), ...(filters.provider ? [filters.provider] : [])])]}
          value={filters.provider}
          onChange={(v) => set({ provider: v })}
          clearable
          searchable
          w={220}
          data-testid="operations-filter-provider"
        />
        <TextInput
          label={t('list.query')}
          placeholder={t('list.queryPlaceholder')}
          value={filters.query}
          onChange={(e) => set({ query: e.currentTarget.value })}
          style={{ flex: 1 }}
          miw={220}
          data-testid="operations-filter-query"
        />
        {isFetching && <Loader size="sm" mb={8} aria-label={t('common:auth.loading')} />}
      </Group>
      <ErrorNote error={error} />
      {isLoading ? (
        <Loader />
      ) : data ? (
        <>
          <Text size="sm" c="dimmed" data-testid="operations-total">
            {data.total > PAGE_SIZE
              ? filtered
                ? t('list.totalFilteredRange', { count: data.total, total: count(data.total), ...range })
                : t('list.totalAllRange', { count: data.total, total: count(data.total), ...range })
              : filtered
                ? t('list.totalFiltered', { count: data.total, total: count(data.total) })
                : t('list.totalAll', { count: data.total, total: count(data.total) })}
          </Text>
          <Table highlightOnHover withTableBorder verticalSpacing={6} data-testid="operations-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={70}>#</Table.Th>
                <Table.Th w={190}>{t('list.when')}</Table.Th>
                <Table.Th w={190}>{t('list.kind')}</Table.Th>
                <Table.Th w={140}>{t('list.by')}</Table.Th>
                <Table.Th>{t('list.reason')}</Table.Th>
                <Table.Th w={150} ta="right">
                  {t('list.ledgerEntries')}
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.rows.map((op) => {
                const open = () => navigate(`/operations/${op.id}`);
                return (
                  <Table.Tr key={op.id} tabIndex={0} onClick={open} onKeyDown={(e) => moveFocus(e, open)} style={{ cursor: 'pointer' }} data-testid="operation-row">
                    <Table.Td>
                      <Anchor component={Link} href={`/operations/${op.id}`} onClick={(e: MouseEvent) => e.stopPropagation()}>
                        {op.id}
                      </Anchor>
                    </Table.Td>
                    <Table.Td ff="monospace" fz="sm">
                      {utcSeconds(op.at)}
                    </Table.Td>
                    <Table.Td>
                      <OperationKindBadge kind={op.kind} />
                    </Table.Td>
                    <Table.Td data-testid="operation-row-by">
                      {op.actor}
                      {typeof op.details.proposed_by === 'string' && (
                        <Text size="xs" c="dimmed">
                          {t('list.proposedBy', { name: op.details.proposed_by })}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" lineClamp={2}>
                        {readReason(op.reason)}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right" c={op.ledgerEntries ? undefined : 'dimmed'}>
                      {count(op.ledgerEntries)}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
              {data.rows.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={6}>
                    <Text c="dimmed" size="sm" ta="center" py="md">
                      {filtered ? t('list.noneMatch') : t('list.noneYet')}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
          {pages > 1 && <Pagination total={pages} value={Math.min(filters.page, pages)} onChange={(page) => setFilters((f) => ({ ...f, page }))} data-testid="operations-pagination" />}
        </>
      ) : null}
    </>
  );
}
