/**
 * Sets and lists of citizen-index pairs in typed arrays, for imports of
 * millions of friendships: a JavaScript Set of "a\nb" strings, or a Map of
 * Sets per citizen, costs ten times the memory (a 1M-citizen import must
 * stay under 2 GiB).
 */

/** A set of pairs (lo, hi) of non-negative 32-bit integers: open addressing, linear probing. */
export class PairSet {
  private los: Int32Array;
  private his: Int32Array;
  private count = 0;

  /** `capacity`: slots to start with, a power of two (it doubles at half full). */
  constructor(capacity = 1 << 16) {
    if (capacity < 2 || (capacity & (capacity - 1)) !== 0) throw new RangeError('capacity is a power of two');
    this.los = new Int32Array(capacity).fill(-1);
    this.his = new Int32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  private slot(lo: number, hi: number, los: Int32Array, his: Int32Array): number {
    const mask = los.length - 1;
    let i = (Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi, 0x85ebca77)) & mask;
    while (los[i] !== -1 && (los[i] !== lo || his[i] !== hi)) i = (i + 1) & mask;
    return i;
  }

  has(lo: number, hi: number): boolean {
    return this.los[this.slot(lo, hi, this.los, this.his)] !== -1;
  }

  /** Adds the pair; false when it was there already. */
  add(lo: number, hi: number): boolean {
    if (lo < 0 || hi < 0) throw new RangeError('pair members are non-negative');
    let i = this.slot(lo, hi, this.los, this.his);
    if (this.los[i] !== -1) return false;
    if ((this.count + 1) * 2 > this.los.length) {
      this.grow();
      i = this.slot(lo, hi, this.los, this.his);
    }
    this.los[i] = lo;
    this.his[i] = hi;
    this.count++;
    return true;
  }

  private grow(): void {
    const los = new Int32Array(this.los.length * 2).fill(-1);
    const his = new Int32Array(this.los.length * 2);
    for (let k = 0; k < this.los.length; k++) {
      if (this.los[k] === -1) continue;
      const i = this.slot(this.los[k], this.his[k], los, his);
      los[i] = this.los[k];
      his[i] = this.his[k];
    }
    this.los = los;
    this.his = his;
  }
}

/** A growing list of pairs. */
export class PairList {
  private data = new Int32Array(1 << 12);
  private n = 0;

  push(a: number, b: number): void {
    if (this.n + 2 > this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.n++] = a;
    this.data[this.n++] = b;
  }

  /** The pairs as a map from each member to the other members it is paired with (both directions). */
  byMember(): Map<number, Set<number>> {
    const out = new Map<number, Set<number>>();
    for (let k = 0; k < this.n; k += 2) {
      const a = this.data[k];
      const b = this.data[k + 1];
      for (const [x, y] of [[a, b], [b, a]]) {
        const set = out.get(x) ?? new Set<number>();
        set.add(y);
        out.set(x, set);
      }
    }
    return out;
  }
}
