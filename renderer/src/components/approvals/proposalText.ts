/** Reading a proposal's payload (typed `unknown` by the contract) and naming its status. */
import type { Proposal } from '../../../../shared/contract';
import type { RulesetSpec } from '../../../../shared/domain';
import i18next from '../../i18n';

export const PROPOSAL_STATUS_COLOR: Record<Proposal['status'], string> = { pending: 'yellow', approved: 'teal', rejected: 'red', withdrawn: 'gray' };

export function adjustmentOf(p: Proposal): { citizenId: string; points: number } | null {
  if (p.kind !== 'adjustment' || !p.payload || typeof p.payload !== 'object') return null;
  const { citizenId, points } = p.payload as Record<string, unknown>;
  return typeof citizenId === 'string' && typeof points === 'number' ? { citizenId, points } : null;
}

/** The proposed ruleset; the server validated it when it was proposed. */
export function rulesetOf(p: Proposal): RulesetSpec | null {
  if (p.kind !== 'ruleset' || !p.payload || typeof p.payload !== 'object') return null;
  const spec = p.payload as RulesetSpec;
  return Array.isArray(spec.rules) && Array.isArray(spec.tiers) ? spec : null;
}

/** What kind of proposal it is, in the reader's language. */
export const kindLabel = (kind: Proposal['kind']): string => (kind === 'ruleset' ? i18next.t('approvals:kind.ruleset') : i18next.t('approvals:kind.adjustment'));

/** A proposal's status, in the reader's language. */
export const statusLabel = (status: Proposal['status']): string => i18next.t(`approvals:status.${status}`);
