/** The citizen with 10,000 events of the outlook benchmarks (outlook.ts, and run.ts on a reused 1M database). */

const DAY = 86_400_000;
export const TARGET_EVENTS = 10_000;

/** 10k records over the five years before the as-of: late and on-time bills, judgments, arrears, thefts. */
export function targetEvents(citizenId: string, asOfMs: number): string {
  const rows = ['event_id,citizen_id,kind,occurred_at,data'];
  for (let i = 0; i < TARGET_EVENTS; i++) {
    const at = new Date(asOfMs - Math.floor(((i + 0.5) / TARGET_EVENTS) * 5 * 365 * DAY) - (i % 86_400) * 1000).toISOString().replace('.000Z', 'Z');
    const pick = i % 10;
    const [kind, data] =
      pick < 6
        ? ['bill_payment', { amount: 40 + (i % 50), on_time: pick % 2 === 0, provider: 'water' }]
        : pick < 8
          ? ['court_judgment', { case_type: pick === 6 ? 'civil' : 'other', court: 'District court' }]
          : pick === 8
            ? ['bank_arrears', { amount: 500, months_overdue: 1 + (i % 4), lender: 'Bank' }]
            : ['utility_theft', { value: 100, utility: 'power' }];
    rows.push(`OUTLOOK-${i},${citizenId},${kind},${at},"${JSON.stringify(data).replace(/"/g, '""')}"`);
  }
  return rows.join('\n') + '\n';
}
