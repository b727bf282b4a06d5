// Follows the OS theme (prefers-color-scheme); canvases re-read their colours on change.
import { useSyncExternalStore } from 'react';

const QUERY = '(prefers-color-scheme: dark)';

function subscribe(cb: () => void): () => void {
  const mq = window.matchMedia?.(QUERY);
  if (!mq) return () => undefined;
  mq.addEventListener('change', cb);
  return () => mq.removeEventListener('change', cb);
}

export type Scheme = 'light' | 'dark';

export function currentScheme(): Scheme {
  return window.matchMedia?.(QUERY).matches ? 'dark' : 'light';
}

export function useColorScheme(): Scheme {
  return useSyncExternalStore(subscribe, currentScheme, () => 'light');
}
