import { describe, expect, it } from 'vitest';
import { scoreCents, formatCents } from '../../electron/engine/scoring.js';

describe('stored score rounding', () => {
  it('rounds the exact decimal tie 994.825 up to 994.83 as the model defines', () => {
    expect(formatCents(scoreCents(996.5 - 1.675))).toBe('994.83');
  });
});
