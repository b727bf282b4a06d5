// Keyboard shortcuts: one table used by the handler and the help dialog. They never fire
// while the user types in a field or holds a modifier (browser/OS shortcuts keep working).
export type ShortcutAction = 'focusFilter' | 'killRst' | 'killFin' | 'freeze' | 'reconnect' | 'pauseChart' | 'help' | 'nextPeer' | 'prevPeer' | 'throttle';

export interface Shortcut {
  key: string;
  label: string;
  action: ShortcutAction;
  description: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { key: '/', label: '/', action: 'focusFilter', description: 'Focus the peer filter' },
  { key: 'j', label: 'j / ↓', action: 'nextPeer', description: 'Next peer' },
  { key: 'k', label: 'k', action: 'killRst', description: 'Kill the active peer with RST' },
  { key: 'K', label: 'Shift+K', action: 'killFin', description: 'Kill the active peer with FIN' },
  { key: 'f', label: 'f', action: 'freeze', description: 'Freeze / unfreeze the active peer' },
  { key: 't', label: 't', action: 'throttle', description: 'Throttle the active peer…' },
  { key: 'r', label: 'r', action: 'reconnect', description: 'Reconnect the active peer (outbound)' },
  { key: ' ', label: 'Space', action: 'pauseChart', description: 'Pause / resume the chart' },
  { key: '?', label: '?', action: 'help', description: 'Show this help' },
];

const EXTRA: Record<string, ShortcutAction> = { ArrowDown: 'nextPeer', ArrowUp: 'prevPeer' };

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  target?: unknown;
  defaultPrevented?: boolean;
}

interface ElementLike {
  tagName?: string;
  isContentEditable?: boolean;
  type?: string;
  closest?: (sel: string) => unknown;
}

/** True when the key belongs to a text field, select or open dialog/menu the user is in. */
export function isTypingTarget(target: unknown): boolean {
  if (!target || typeof target !== 'object') return false;
  const el = target as ElementLike;
  if (el.isContentEditable) return true;
  const tag = (el.tagName ?? '').toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range'].includes((el.type ?? 'text').toLowerCase());
  if (typeof el.closest === 'function' && el.closest('dialog[open], [role="menu"]')) return true;
  return false;
}

export function shortcutFor(e: KeyLike): ShortcutAction | undefined {
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return undefined;
  if (isTypingTarget(e.target)) return undefined;
  // Space on a focused button/checkbox activates it; do not steal that.
  if (e.key === ' ' && isActivatable(e.target)) return undefined;
  return SHORTCUTS.find((s) => s.key === e.key)?.action ?? EXTRA[e.key];
}

function isActivatable(target: unknown): boolean {
  if (!target || typeof target !== 'object') return false;
  const el = target as ElementLike;
  const tag = (el.tagName ?? '').toUpperCase();
  return tag === 'BUTTON' || tag === 'A' || tag === 'INPUT' || tag === 'SUMMARY';
}
