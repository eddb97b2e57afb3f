/** The search's filters, kept for the tab's session so going back from a record returns to the same list. */
import type { Input } from '../../../../shared/contract';

export type Sort = NonNullable<Input<'search'>['sort']>;

export interface Filters {
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

const STORAGE_KEY = 'credence.search';
const INITIAL: Filters = { query: '', district: null, tier: null, scope: null, minScore: '', maxScore: '', sort: 'citizenId', descending: false };

export function loadFilters(): Filters {
  try {
    return { ...INITIAL, ...JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? '{}') };
  } catch {
    return INITIAL;
  }
}

export const saveFilters = (filters: Filters): void => sessionStorage.setItem(STORAGE_KEY, JSON.stringify(filters));

/** The search channel's input for these filters, with the query as debounced. */
export function searchParams(filters: Filters, query: string): Omit<Input<'search'>, 'offset' | 'limit'> {
  return {
    query,
    district: filters.district ?? undefined,
    tier: filters.tier ?? undefined,
    scope: filters.scope ?? undefined,
    minScore: filters.minScore === '' ? undefined : filters.minScore,
    maxScore: filters.maxScore === '' ? undefined : filters.maxScore,
    sort: filters.sort,
    descending: filters.descending,
  };
}
