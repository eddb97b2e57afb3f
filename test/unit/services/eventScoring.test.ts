/**
 * The points each event of a record gives, per rule, and whether they count
 * (citizenEvents' `scoring`), read for a whole page in one query over the
 * citizen's contributions. Checked against the plain reading, one lookup by
 * event, on citizens whose events interleave in the table, with pages cut
 * anywhere: events that count, have expired, lie after the scoring date,
 * give no points, and events with two rules.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../electron/db/connection.js';
import { importFolder } from '../../../electron/services/import.js';
import { citizenEvents } from '../../../electron/services/queries.js';
import { loadScoringState } from '../../../electron/services/scoring.js';
import { countsAt } from '../../../electron/engine/rules.js';
import { publishRuleset } from '../../../electron/services/rulesets.js';
import { BASELINE_AS_OF, DEFAULT_RULESET, eventRow, folder, openTempDb, removeTempDirs, seedBaseline } from '../helpers/importFixtures.js';

afterEach(removeTempDirs);

/** The reference: each event's contributions looked up by event alone, as the reader did before it read a page at once. */
function reference(db: Db, eventIdx: number, occurredMs: number, retracted: boolean) {
  const state = loadScoringState(db)!;
  if (retracted) return { standing: 'retracted', rules: [] };
  const rules = (db.prepare('SELECT rule_index, points, error FROM contributions WHERE event_idx = ? ORDER BY rule_index').all(eventIdx) as { rule_index: number; points: number; error: string | null }[]).map((c) => {
    const rule = state.ruleset.rules[c.rule_index];
    return { ruleId: rule.spec.id, ruleName: rule.spec.name, points: c.points, counts: c.error === null && countsAt(rule, occurredMs, state.asOfMs), error: c.error };
  });
  return { standing: occurredMs > state.asOfMs ? 'future' : rules.length === 0 ? 'no_points' : rules.some((r) => r.counts) ? 'counts' : 'expired', rules };
}

describe("a record's events with their points", () => {
  it('read a page at once, the same as one lookup per event, on every page of every citizen', async () => {
    const { db } = openTempDb();
    await seedBaseline(db);
    // Events of C1, C3 and C4 interleaved in file order (so their indexes interleave), over twelve years around the scoring date.
    const kinds: [string, unknown][] = [
      ['bill_payment', { amount: 20, on_time: false, provider: 'water' }],
      ['bill_payment', { amount: 20, on_time: true, provider: 'gas' }],
      ['bank_arrears', { months_overdue: 2, amount: 100 }],
      ['volunteer_service', { hours: 3 }],
      ['volunteer_service', { hours: 0 }],
      ['blood_donation', { ml: 200 }],
      ['court_judgment', { case_type: 'civil' }],
    ];
    const rows = ['event_id,citizen_id,kind,occurred_at,data'];
    for (let i = 0; i < 240; i++) {
      const [kind, data] = kinds[i % kinds.length];
      const at = new Date(Date.parse('2015-01-01T00:00:00Z') + i * 17 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      rows.push(eventRow(`X${i}`, ['C1', 'C3', 'C4'][i % 3], kind, at, data));
    }
    const report = await importFolder(db, folder({ 'events.csv': `${rows.join('\n')}\n` }), { actor: 'test' });
    expect(report.ok).toBe(true);
    // A second rule on every bill, so that some events have two rules' points.
    const base = DEFAULT_RULESET as { rules: unknown[] };
    const everyBill = { id: 'every-bill', name: 'Every bill', description: '+0.5 per bill.', dimension: 'financial', event_kind: 'bill_payment', condition: 'true', points: '0.5', ttl_days: 365 };
    expect(publishRuleset(db, { ...base, rules: [...base.rules, everyBill] }, { actor: 'test', reason: 'two rules on bills', asOf: BASELINE_AS_OF }).ok).toBe(true);
    const seen = new Set<string>();
    for (const citizenId of ['C1', 'C2', 'C3', 'C4', 'C5']) {
      for (const limit of [1, 7, 200]) {
        for (let offset = 0; ; offset += limit) {
          const page = citizenEvents(db, { citizenId, limit, offset, unmask: false });
          for (const row of page.rows) {
            const stored = db.prepare('SELECT idx, occurred_ms FROM events WHERE event_id = ?').get(row.eventId) as { idx: number; occurred_ms: number };
            expect(row.scoring, `${citizenId} ${row.eventId}`).toEqual(reference(db, stored.idx, stored.occurred_ms, row.retracted));
            seen.add(row.scoring!.standing);
            if (row.scoring!.rules.length > 1) seen.add('two rules');
          }
          if (page.rows.length < limit) break;
        }
      }
    }
    expect([...seen].sort()).toEqual(['counts', 'expired', 'future', 'no_points', 'two rules'].sort());
  });
});
