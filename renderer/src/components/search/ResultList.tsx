/**
 * The search results: sortable column heads and a virtualised list fetched
 * page by page; the selected row is the list's active descendant, so the
 * arrow keys and Enter work in the list as in the search box.
 */
import { Box, Table, Text, UnstyledButton } from '@mantine/core';
import type { Virtualizer } from '@tanstack/react-virtual';
import type { RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { CitizenSummary } from '../../../../shared/contract';
import { score } from '../../format';
import { TierBadge } from '../TierBadge';
import type { Filters, Sort } from './filters';

export const ROW_HEIGHT = 38;

/** Each column's head is search:column.<key>. */
const COLUMNS: { key: Sort; width: string; align?: 'right' }[] = [
  { key: 'citizenId', width: '16%' },
  { key: 'name', width: '34%' },
  { key: 'district', width: '22%' },
  { key: 'score', width: '16%', align: 'right' },
];

function ColumnHeads({ filters, sortBy }: { filters: Filters; sortBy: (key: Sort) => void }) {
  const { t } = useTranslation('search');
  return (
    <Table layout="fixed" style={{ tableLayout: 'fixed' }}>
      <Table.Thead>
        <Table.Tr>
          {COLUMNS.map((c) => (
            <Table.Th key={c.key} w={c.width} ta={c.align}>
              <UnstyledButton onClick={() => sortBy(c.key)} fw={600} aria-sort={filters.sort === c.key ? (filters.descending ? 'descending' : 'ascending') : 'none'}>
                {t(`column.${c.key}`)} {filters.sort === c.key ? (filters.descending ? '▼' : '▲') : ''}
              </UnstyledButton>
            </Table.Th>
          ))}
          <Table.Th w="12%">{t('column.tier')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
    </Table>
  );
}

function ResultRow({ row, start, active, onOpen, onHover }: { row: CitizenSummary; start: number; active: boolean; onOpen: () => void; onHover: () => void }) {
  return (
    <div
      role="option"
      id={`search-row-${row.citizenId}`}
      aria-selected={active}
      data-testid="search-row"
      onClick={onOpen}
      onMouseEnter={onHover}
      style={{
        position: 'absolute',
        top: 0,
        left: 0,
        right: 0,
        height: ROW_HEIGHT,
        transform: `translateY(${start}px)`,
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
            <Text span size="xs" c="dimmed">
              {row.nameLatin}
            </Text>
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
}

interface Props {
  rows: CitizenSummary[];
  loading: boolean;
  filters: Filters;
  sortBy: (key: Sort) => void;
  selected: number;
  setSelected: (index: number) => void;
  open: (row: CitizenSummary | undefined) => void;
  virtual: Virtualizer<HTMLDivElement, Element>;
  scrollRef: RefObject<HTMLDivElement | null>;
}

export function ResultList({ rows, loading, filters, sortBy, selected, setSelected, open, virtual, scrollRef }: Props) {
  const { t } = useTranslation('search');
  return (
    <Box style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 4 }}>
      <ColumnHeads filters={filters} sortBy={sortBy} />
      <div
        ref={scrollRef}
        style={{ height: 'calc(100vh - 330px)', minHeight: 240, overflow: 'auto' }}
        data-testid="search-results"
        role="listbox"
        aria-label={t('results')}
        tabIndex={0}
        aria-activedescendant={rows[selected] ? `search-row-${rows[selected].citizenId}` : undefined}
      >
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {virtual.getVirtualItems().map((item) => {
            const row = rows[item.index];
            return <ResultRow key={row.citizenId} row={row} start={item.start} active={item.index === selected} onOpen={() => open(row)} onHover={() => setSelected(item.index)} />;
          })}
        </div>
        {!loading && rows.length === 0 && (
          <Text p="md" c="dimmed">
            {t('none')}
          </Text>
        )}
      </div>
    </Box>
  );
}
