// Which transport this page runs on: the Electron preload sets window.heartwire; anything
// else is a browser talking to `heartwire web`.
import type { HeartwireApi } from '../../../shared/contract';
import { BrowserTransport, TOKEN_KEY, resolveToken, webSocketUrl } from './browser-transport';
import { ElectronTransport } from './electron-transport';
import type { Transport } from './transport';

// No global augmentation of Window: the preload side may declare its own, and two
// declarations of one property with different optionality would clash.
type MaybeElectronWindow = Window & { heartwire?: HeartwireApi };

export function pickTransport(win: MaybeElectronWindow = window): Transport {
  if (win.heartwire) return new ElectronTransport(win.heartwire);
  let storage: Storage | undefined;
  try {
    storage = win.sessionStorage;
  } catch {
    storage = undefined;
  }
  const token = resolveToken(win.location.search, storage);
  let remembered = false;
  try {
    remembered = !!token && storage?.getItem(TOKEN_KEY) === token;
  } catch {
    remembered = false;
  }
  if (remembered && new URLSearchParams(win.location.search).has('token')) {
    // Keep the secret out of the address bar and history once it is remembered.
    try {
      const url = new URL(win.location.href);
      url.searchParams.delete('token');
      win.history.replaceState(null, '', url.pathname + url.search + url.hash);
    } catch {
      // not fatal
    }
  }
  return new BrowserTransport({
    url: webSocketUrl(win.location, token),
    detail: token ? undefined : 'no access token: open the URL printed by `heartwire web`',
  });
}
