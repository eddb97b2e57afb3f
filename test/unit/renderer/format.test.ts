/**
 * The console prints figures as the model rounds them (§5: micro-points, then
 * cents, half away from zero), never with toFixed, whose binary rounding
 * disagrees with the export on ties.
 */
import { expect, it } from 'vitest';
import { exact, points, score } from '../../../renderer/src/format';
import { formatPoints } from '../../../shared/points';

it('shows own 1000.005 as 1000.01, as the export does (toFixed says 1000.00)', () => {
  expect((1000.005).toFixed(2)).toBe('1000.00');
  expect(score(1000.005)).toBe('1000.01');
  expect(score(800 - 8.335)).toBe('791.67');
  expect(score(-0.005)).toBe('-0.01');
  expect(score(null)).toBe('—');
});

it('agrees with formatPoints on every figure of a dense grid of cent and half-cent values', () => {
  for (let m = -2_000_000; m <= 2_000_000; m += 2_500) {
    const x = m / 1e6 + 994;
    expect(score(x)).toBe(formatPoints(x));
  }
});

it('keeps a third decimal only where a part has exactly three (so a breakdown adds up), else rounds as the model does', () => {
  expect(exact(0.625)).toBe('0.625');
  expect(exact(12.5)).toBe('12.50');
  expect(exact(1000.0049995)).toBe('1000.01');
  expect(points(-0.625)).toBe('−0.625');
  expect(points(5)).toBe('+5.00');
});
