import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, type CommandName, type CommandOutcome } from '../../../../shared/contract';
import { CommandFailure } from '../../../../shared/command-failure';
import { makeApi } from '../../../../electron/core/monitor/api';

describe('makeApi', () => {
  it('has one method per command that resolves results and rejects with CommandFailure', async () => {
    const calls: [string, unknown][] = [];
    const dispatch = async <K extends CommandName>(name: K, args: unknown): Promise<CommandOutcome<K>> => {
      calls.push([name, args]);
      if (name === 'kill') return { ok: false, error: { kind: 'conflict', message: 'no live connection' } };
      return { ok: true, result: { ok: true } } as unknown as CommandOutcome<K>;
    };
    const unsub = () => {};
    const api = makeApi(dispatch, () => unsub);
    for (const n of COMMAND_NAMES) expect(typeof api[n]).toBe('function');
    expect(api.onUpdate(() => {})).toBe(unsub);
    await expect(api.removePeer({ id: 'p1' })).resolves.toEqual({ ok: true });
    const err = await api.kill({ id: 'p1', mode: 'rst' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandFailure);
    expect(err).toMatchObject({ kind: 'conflict', message: 'no live connection' });
    expect(calls).toEqual([
      ['removePeer', { id: 'p1' }],
      ['kill', { id: 'p1', mode: 'rst' }],
    ]);
  });
});
