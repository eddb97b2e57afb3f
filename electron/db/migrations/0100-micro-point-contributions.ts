import type { Migration } from './index.js';

/**
 * Contributions in whole micro-points (SCORING_MODEL §3: c(r, e) =
 * round6(points_r(e)), half away from zero). Contributions written before
 * this were stored as evaluated; each is rounded here (SQLite's round is half
 * away from zero) so that own(i) is an exact integer sum on every path. The
 * stored scores are left as they were: `credence recompute` at the same as-of
 * rewrites every figure that differs from the model.
 */
const migration: Migration = {
  version: 100,
  name: 'micro-point-contributions',
  up(db) {
    db.exec(`
      UPDATE contributions SET points = round(points * 1000000) / 1000000.0
      WHERE abs(points) <= 9007199254.740991 AND points <> round(points * 1000000) / 1000000.0;
    `);
  },
};

export default migration;
