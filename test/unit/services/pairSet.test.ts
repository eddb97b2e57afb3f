/** The typed-array pair set and list of large imports agree with plain JavaScript Sets and Maps. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PairList, PairSet } from '../../../electron/services/pairSet.js';

const pairs = fc.array(fc.tuple(fc.nat(3000), fc.nat(3000)), { maxLength: 3000 });

describe('PairSet and PairList', () => {
  it('a pair is added once, found afterwards, and only then; through every growth', () => {
    fc.assert(
      fc.property(pairs, pairs, (added, probes) => {
        const set = new PairSet(4); // small: the set grows many times
        const plain = new Set<string>();
        for (const [a, b] of added) expect(set.add(a, b)).toBe(!plain.has(`${a},${b}`) && plain.add(`${a},${b}`) !== undefined);
        expect(set.size).toBe(plain.size);
        for (const [a, b] of [...added, ...probes]) expect(set.has(a, b)).toBe(plain.has(`${a},${b}`));
      }),
      { numRuns: 60 },
    );
  });

  it('the pair list gives each member the members it was paired with, both ways', () => {
    fc.assert(
      fc.property(pairs, (added) => {
        const list = new PairList();
        const plain = new Map<number, Set<number>>();
        for (const [a, b] of added) {
          list.push(a, b);
          for (const [x, y] of [[a, b], [b, a]]) plain.set(x, (plain.get(x) ?? new Set()).add(y));
        }
        expect(list.byMember()).toEqual(plain);
      }),
      { numRuns: 60 },
    );
  });
});
