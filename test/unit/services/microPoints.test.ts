/**
 * own(i) in whole micro-points (SCORING_MODEL §3, issue 7 wrong figure 2):
 * contributions with 7+ decimals are rounded to micro-points one by one, half
 * away from zero, so the full and the incremental paths store the same cents,
 * whatever the batches.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { explainCitizen } from '../../../electron/services/explain.js';
import { scoreRows } from '../../../electron/services/exportScores.js';
import { adjWorld, type AdjWorld } from '../helpers/adjWorld.js';

const worlds: AdjWorld[] = [];
afterEach(() => {
  while (worlds.length) worlds.pop()!.close();
});

const AS_OF = '2025-07-01T00:00:00Z';
const CITIZENS = ['X', 'P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'P8', 'P9', 'P10', 'P11'];

function world(): AdjWorld {
  const w = adjWorld('micro');
  worlds.push(w);
  return w;
}

function events(count: number, p: string): [string, string, string, string][] {
  return Array.from({ length: count }, (_, k) => [`m${k}`, 'X', `2024-01-${String(k + 1).padStart(2, '0')}T00:00:00Z`, p]);
}

function row(w: AdjWorld): string {
  return [...scoreRows(w.db)].find((line) => line.startsWith('X,'))!;
}

/** The three ways to reach the same data: publish after import (full), one incremental import, one incremental import per event. */
async function threePaths(evs: [string, string, string, string][]): Promise<string[]> {
  const full = world();
  await full.import({ kinds: true, citizens: CITIZENS, events: evs });
  full.publish(AS_OF);

  const once = world();
  await once.import({ kinds: true, citizens: CITIZENS });
  once.publish(AS_OF);
  await once.import({ events: evs }, 'incremental');

  const each = world();
  await each.import({ kinds: true, citizens: CITIZENS });
  each.publish(AS_OF);
  for (const e of evs) await each.import({ events: [e] }, 'incremental');

  const fullAgain = world();
  await fullAgain.import({ kinds: true, citizens: CITIZENS });
  fullAgain.publish(AS_OF);
  await fullAgain.import({ events: evs }, 'full');

  return [full, once, each, fullAgain].map(row);
}

describe('own in micro-points', () => {
  it('ten contributions of 0.00049995 (true score 1000.0049995): each rounds to 500 micro-points, 1000.005 -> 1000.01 on every path', async () => {
    const rows = await threePaths(events(10, '0.00049995'));
    expect(rows).toEqual(Array(4).fill('X,1000.01,A,1000.01,0.00'));
  });

  it('twenty contributions of 0.0002495 (true sum 0.00499, below the cent tie): round6 first gives 0.005 and 1000.01', async () => {
    const rows = await threePaths(events(20, '0.0002495'));
    expect(rows).toEqual(Array(4).fill('X,1000.01,A,1000.01,0.00'));
  });

  it('negative ties round away from zero: -0.005 and -0.0000005 make -5001 micro-points, 999.994999 -> 999.99', async () => {
    // Rounding the half micro-point toward +infinity (Math.round) or toward
    // zero would leave 999.995, which is 1000.00.
    const evs: [string, string, string, string][] = [
      ['n1', 'X', '2024-01-01T00:00:00Z', '-0.005'],
      ['n2', 'X', '2024-01-02T00:00:00Z', '-0.0000005'],
    ];
    expect(await threePaths(evs)).toEqual(Array(4).fill('X,999.99,A,999.99,0.00'));
  });

  it('the explanation holds the exact own and rule total in micro-points', async () => {
    const w = world();
    await w.import({ kinds: true, citizens: CITIZENS });
    w.publish(AS_OF);
    await w.import({ events: events(10, '0.00049995') }, 'incremental');
    const e = explainCitizen(w.db, 'X');
    expect(e.own).toBe(1000.005);
    expect(e.rules[0].total).toBe(0.005);
    expect(e.rules[0].raw).toBe(0.005);
    expect(e.rules[0].events.every((ev) => ev.points === 0.0005)).toBe(true);
    expect(e.score).toBe(1000.01);
  });
});
