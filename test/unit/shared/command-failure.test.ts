import { describe, expect, it } from 'vitest';
import { CommandFailure, isCommandFailure, unwrapOutcome } from '../../../shared/command-failure';

describe('CommandFailure', () => {
  it('is an Error carrying kind and field', () => {
    const e = new CommandFailure({ kind: 'invalid', message: 'port must be …', field: 'port' });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('CommandFailure');
    expect(e.message).toBe('port must be …');
    expect(e.kind).toBe('invalid');
    expect(e.field).toBe('port');
    expect(isCommandFailure(e)).toBe(true);
    expect(isCommandFailure(new Error('x'))).toBe(false);
    expect(e.toCommandError()).toEqual({ kind: 'invalid', message: 'port must be …', field: 'port' });
    expect(new CommandFailure({ kind: 'conflict', message: 'busy' }).toCommandError()).toEqual({ kind: 'conflict', message: 'busy' });
  });

  it('unwrapOutcome returns the result or throws', () => {
    expect(unwrapOutcome<'setConfig'>({ ok: true, result: { historyPerPeer: 1, eventLogSize: 2 } })).toEqual({ historyPerPeer: 1, eventLogSize: 2 });
    expect(() => unwrapOutcome<'kill'>({ ok: false, error: { kind: 'not-found', message: 'no peer p1', field: 'id' } })).toThrow(CommandFailure);
  });
});
