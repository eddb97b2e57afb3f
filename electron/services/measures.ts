/**
 * Tier measures: what a tier brings a citizen. Benefits apply with the tier;
 * a restriction is never applied by the score alone: it stays proposed until
 * an official confirms it for that citizen with a reason, and a confirmed
 * restriction can be disputed.
 */
import { keyed } from '../../shared/englishText.js';
import type { TextTranslations } from '../../shared/domain.js';
import type { Db } from '../db/connection.js';
import { NotFoundError } from './explain.js';
import { RejectedInputError } from './ruleLab.js';
import { loadScoringState } from './scoring.js';

export interface MeasureView {
  id: string;
  name: string;
  description: string | null;
  /** The name and description in other languages. */
  i18n?: TextTranslations;
  kind: 'benefit' | 'restriction';
  /** benefit: applies; restriction: proposed until confirmed; withdrawn after a decision or upheld dispute. */
  status: 'applies' | 'proposed' | 'confirmed' | 'withdrawn';
  decidedBy: string | null;
  decidedAt: string | null;
  reason: string | null;
}

export function measuresFor(db: Db, citizenId: string): MeasureView[] {
  const state = loadScoringState(db);
  if (!state) return [];
  const c = db.prepare('SELECT c.idx, s.tier FROM citizens c JOIN scores s ON s.citizen_idx = c.idx WHERE c.citizen_id = ?').get(citizenId) as { idx: number; tier: string } | undefined;
  if (!c) throw new NotFoundError(keyed('notFound.noScore', { id: citizenId }));
  const latest = db.prepare('SELECT decision, decided_by, decided_at, reason FROM measure_decisions WHERE citizen_idx = ? AND measure_id = ? AND ruleset_version = ? ORDER BY id DESC LIMIT 1');
  return (state.ruleset.spec.measures ?? [])
    .filter((m) => m.tiers.includes(c.tier))
    .map((m) => {
      const texts = { id: m.id, name: m.name, description: m.description ?? null, ...(m.i18n && { i18n: m.i18n }) };
      if (m.kind === 'benefit') return { ...texts, kind: m.kind, status: 'applies', decidedBy: null, decidedAt: null, reason: null };
      const d = latest.get(c.idx, m.id, state.version) as { decision: 'confirmed' | 'withdrawn'; decided_by: string; decided_at: string; reason: string } | undefined;
      return { ...texts, kind: m.kind, status: d ? d.decision : 'proposed', decidedBy: d?.decided_by ?? null, decidedAt: d?.decided_at ?? null, reason: d?.reason ?? null };
    });
}

/** An official applies (confirms) or withdraws a restriction for one citizen, with a reason. */
export function decideMeasure(db: Db, citizenId: string, measureId: string, decision: 'confirmed' | 'withdrawn', by: string, reason: string): void {
  const measure = measuresFor(db, citizenId).find((m) => m.id === measureId);
  if (!measure) throw new RejectedInputError(keyed('rejected.measureNotForTier', { measure: measureId, citizen: citizenId }));
  if (measure.kind !== 'restriction') throw new RejectedInputError(keyed('rejected.measureIsBenefit', { measure: measureId }));
  if (measure.status === decision) throw new RejectedInputError(keyed(decision === 'confirmed' ? 'measureDecision.alreadyConfirmed' : 'measureDecision.alreadyWithdrawn', { measure: measureId, citizen: citizenId }));
  const state = loadScoringState(db)!;
  const idx = db.prepare('SELECT idx FROM citizens WHERE citizen_id = ?').pluck().get(citizenId) as number;
  db.prepare('INSERT INTO measure_decisions (citizen_idx, measure_id, ruleset_version, decision, decided_by, decided_at, reason) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    idx,
    measureId,
    state.version,
    decision,
    by,
    new Date().toISOString(),
    reason,
  );
}
