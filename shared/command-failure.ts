// The error a typed HeartwireApi façade rejects with. Pure TS so every transport
// (core, IPC preload, browser WebSocket) can turn a CommandOutcome into the same Error.
import type { CommandError, CommandName, CommandOutcome, CommandResult, ErrorKind } from './contract';

export class CommandFailure extends Error {
  readonly kind: ErrorKind;
  readonly field?: string;

  constructor(error: CommandError) {
    super(error.message);
    this.name = 'CommandFailure';
    this.kind = error.kind;
    if (error.field !== undefined) this.field = error.field;
  }

  /** Back to the wire form. */
  toCommandError(): CommandError {
    return this.field === undefined
      ? { kind: this.kind, message: this.message }
      : { kind: this.kind, message: this.message, field: this.field };
  }
}

/** Result of an outcome, or throws CommandFailure. */
export function unwrapOutcome<K extends CommandName>(outcome: CommandOutcome<K>): CommandResult<K> {
  if (outcome.ok) return outcome.result;
  throw new CommandFailure(outcome.error);
}

export function isCommandFailure(e: unknown): e is CommandFailure {
  return e instanceof CommandFailure;
}
