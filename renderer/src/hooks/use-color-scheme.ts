// Follows the OS theme (prefers-color-scheme); canvases re-read their colours on change.
import { useSyncExternalStore } from 'react';

const QUERY = '(prefers-color-scheme: dark)';

// One MediaQueryList for the page: matchMedia builds a new one per call, which cost ~0.4 ms
// per refresh when every canvas read the scheme on render (bench ui, CPU profile).
let query: MediaQueryList | null | undefined;
function mediaQuery(): MediaQueryList | null {
  if (query === undefined) query = window.matchMedia?.(QUERY) ?? null;
  return query;
}

function subscribe(cb: () => void): () => void {
  const mq = mediaQuery();
  if (!mq) return () => undefined;
  mq.addEventListener('change', cb);
  return () => mq.removeEventListener('change', cb);
}

export type Scheme = 'light' | 'dark';

export function currentScheme(): Scheme {
  return mediaQuery()?.matches ? 'dark' : 'light';
}

export function useColorScheme(): Scheme {
  return useSyncExternalStore(subscribe, currentScheme, () => 'light');
}
