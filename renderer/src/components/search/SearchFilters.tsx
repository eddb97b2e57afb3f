/** The search box and the filters by district, tier and score. Keys typed in a filter belong to it: only the search box steers the results. */
import { Group, NumberInput, Select, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../../api';
import type { Filters } from './filters';

export function SearchFilters({ filters, update, inputRef }: { filters: Filters; update: (patch: Partial<Filters>) => void; inputRef: RefObject<HTMLInputElement | null> }) {
  const { t } = useTranslation('search');
  const { data: districts } = useQuery({ queryKey: ['districts'], queryFn: () => call('districts', {}) });
  const { data: current } = useQuery({ queryKey: ['rulesetCurrent'], queryFn: () => call('rulesetCurrent', {}) });
  return (
    <Group align="flex-end" wrap="wrap">
      <TextInput
        ref={inputRef}
        autoFocus
        label={t('filter.query')}
        placeholder={t('filter.queryPlaceholder')}
        value={filters.query}
        onChange={(e) => update({ query: e.currentTarget.value })}
        w={320}
        data-testid="search-input"
        aria-describedby="search-help"
      />
      <Select label={t('filter.district')} placeholder={t('filter.all')} clearable data={districts ?? []} value={filters.district} onChange={(v) => update({ district: v })} w={170} data-testid="filter-district" />
      <Select
        label={t('filter.tier')}
        placeholder={t('filter.all')}
        clearable
        data={current?.spec?.tiers.map((x) => x.name) ?? []}
        value={filters.tier}
        onChange={(v) => update({ tier: v })}
        w={110}
        data-testid="filter-tier"
      />
      <Select
        label={t('consent:search.scope')}
        placeholder={t('consent:search.any')}
        clearable
        data={[
          { value: 'in', label: t('consent:search.in') },
          { value: 'out', label: t('consent:search.out') },
        ]}
        value={filters.scope}
        onChange={(v) => update({ scope: v === 'in' || v === 'out' ? v : null })}
        w={210}
        data-testid="filter-scope"
      />
      <NumberInput label={t('filter.scoreFrom')} value={filters.minScore} onChange={(v) => update({ minScore: typeof v === 'number' ? v : '' })} w={120} hideControls />
      <NumberInput label={t('filter.scoreTo')} value={filters.maxScore} onChange={(v) => update({ maxScore: typeof v === 'number' ? v : '' })} w={120} hideControls />
    </Group>
  );
}
