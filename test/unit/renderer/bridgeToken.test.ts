/** Browser mode: the bridge token leaves the address bar at once and stays in this tab's sessionStorage. */
import { describe, expect, it } from 'vitest';
import { takeBridgeToken, TOKEN_KEY } from '../../../renderer/src/bridgeToken.js';

function place(href: string) {
  const store = new Map<string, string>();
  const replaced: string[] = [];
  return {
    store,
    replaced,
    p: {
      location: { href },
      history: { state: { page: 1 }, replaceState: (_d: unknown, _u: string, url: string) => void replaced.push(url) },
      storage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) },
    },
  };
}

describe('the bridge token', () => {
  it('is taken out of the address, keeping the path, other parameters and the hash route', () => {
    const { p, store, replaced } = place('http://127.0.0.1:4000/?token=abc123&lang=en#/citizen/C0000042');
    expect(takeBridgeToken(p)).toBe('abc123');
    expect(store.get(TOKEN_KEY)).toBe('abc123');
    expect(replaced).toEqual(['/?lang=en#/citizen/C0000042']);
  });

  it('comes from sessionStorage afterwards, without touching the address', () => {
    const { p, store, replaced } = place('http://127.0.0.1:4000/#/search');
    store.set(TOKEN_KEY, 'kept');
    expect(takeBridgeToken(p)).toBe('kept');
    expect(replaced).toEqual([]);
  });
});
