// Every rejection the UI sees is a CommandFailure, whatever the transport did to the error
// on the way (Electron's contextBridge/IPC copies Errors and drops custom fields, keeping
// only the message, so kind/field may have to be recovered from the text).
import type { CommandError, ErrorKind } from '../../../shared/contract';
import { CommandFailure } from '../../../shared/command-failure';

const KINDS: readonly ErrorKind[] = ['invalid', 'not-found', 'conflict', 'internal'];

function isKind(v: unknown): v is ErrorKind {
  return typeof v === 'string' && (KINDS as readonly string[]).includes(v);
}

/** A CommandError-shaped object, or undefined. */
export function asCommandError(v: unknown): CommandError | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  if (!isKind(o.kind) || typeof o.message !== 'string') return undefined;
  return typeof o.field === 'string' ? { kind: o.kind, message: o.message, field: o.field } : { kind: o.kind, message: o.message };
}

const IPC_PREFIX = /^Error invoking remote method '[^']*':\s*/;
const ERROR_PREFIX = /^(?:[A-Za-z]*Error|CommandFailure):\s*/;

export function toCommandFailure(e: unknown): CommandFailure {
  if (e instanceof CommandFailure) return e;
  const direct = asCommandError(e);
  if (direct) return new CommandFailure(direct);
  let message = e instanceof Error ? e.message : typeof e === 'string' ? e : String(e);
  message = message.replace(IPC_PREFIX, '').replace(ERROR_PREFIX, '');
  // A bridge may encode the CommandError as JSON in the message to survive cloning.
  if (message.startsWith('{')) {
    try {
      const parsed = asCommandError(JSON.parse(message));
      if (parsed) return new CommandFailure(parsed);
    } catch {
      // not JSON: fall through
    }
  }
  return new CommandFailure({ kind: 'internal', message: message || 'command failed' });
}
