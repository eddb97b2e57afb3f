/**
 * Browser mode: the bridge token arrives in the address bar (?token=...).
 * It is kept for this tab in sessionStorage and taken out of the address at
 * once (history.replaceState), so it does not stay on screen, in the
 * history, in bookmarks or in a copied link.
 */
export interface TokenPlace {
  location: { href: string };
  history: { replaceState(data: unknown, unused: string, url: string): void; state: unknown };
  storage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
}

export const TOKEN_KEY = 'credence.token';

/** The token for this tab; moves it from the address bar to sessionStorage on first sight. */
export function takeBridgeToken(place: TokenPlace): string | null {
  const url = new URL(place.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    place.storage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    place.history.replaceState(place.history.state, '', `${url.pathname}${url.search}${url.hash}`);
    return fromUrl;
  }
  return place.storage.getItem(TOKEN_KEY);
}
