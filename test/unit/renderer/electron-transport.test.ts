import { describe, expect, it } from 'vitest';
import { CommandFailure } from '../../../shared/command-failure';
import type { HeartwireApi, UpdateBatch } from '../../../shared/contract';
import { ElectronTransport } from '../../../renderer/src/transport/electron-transport';
import { toCommandFailure } from '../../../renderer/src/transport/to-failure';
import { batch, peer, snapshot } from '../../helpers/contract-fixtures';

function fakeApi(over: Partial<HeartwireApi> = {}) {
  const listeners = new Set<(b: UpdateBatch) => void>();
  const calls: [string, unknown][] = [];
  const rec =
    <T>(name: string, result: T) =>
    async (args: unknown) => {
      calls.push([name, args]);
      return result;
    };
  const api = {
    getSnapshot: rec('getSnapshot', snapshot({ peers: [peer('a')] })),
    kill: rec('kill', { ok: true }),
    setFaults: rec('setFaults', peer('a', { faults: { freeze: true } })),
    onUpdate(l: (b: UpdateBatch) => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    ...over,
  } as unknown as HeartwireApi;
  return { api, calls, emit: (b: UpdateBatch) => listeners.forEach((l) => l(b)), listeners };
}

async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('ElectronTransport', () => {
  it('forwards commands to window.heartwire and relays updates', async () => {
    const { api, calls, emit } = fakeApi();
    const t = new ElectronTransport(api);
    const seqs: number[] = [];
    t.onUpdate((b) => seqs.push(b.seq));
    t.start();
    await expect(t.call('kill', { id: 'a', mode: 'fin' })).resolves.toEqual({ ok: true });
    expect(calls).toContainEqual(['kill', { id: 'a', mode: 'fin' }]);
    emit(batch(7));
    expect(seqs).toEqual([7]);
    t.close();
  });

  it('fetches the first snapshot on start and reports connected', async () => {
    const { api } = fakeApi();
    const t = new ElectronTransport(api);
    const ids: string[] = [];
    t.onSnapshot((s) => ids.push(...s.peers.map((p) => p.id)));
    t.start();
    await until(() => t.connection.status === 'connected');
    expect(ids).toEqual(['a']);
    t.close();
  });

  it('retries the snapshot while the main process fails it', async () => {
    let n = 0;
    const { api } = fakeApi({
      getSnapshot: async () => {
        if (n++ < 2) throw new Error('not ready');
        return snapshot();
      },
    });
    const t = new ElectronTransport(api, { retryBaseMs: 5, retryCapMs: 10 });
    const states: string[] = [];
    t.onConnection((c) => states.push(c.status));
    t.start();
    await until(() => t.connection.status === 'connected');
    expect(states.filter((s) => s === 'disconnected')).toHaveLength(2);
    t.close();
  });

  it('turns rejections into CommandFailure, recovering kind/field lost by IPC cloning', async () => {
    const { api } = fakeApi({
      setFaults: async () => {
        throw Object.assign(new Error('latency too large'), { kind: 'invalid', field: 'faults.latency.ms' });
      },
      kill: async () => {
        throw new Error(`Error invoking remote method 'heartwire:command': ${JSON.stringify({ kind: 'not-found', message: 'no peer x' })}`);
      },
    });
    const t = new ElectronTransport(api);
    const e1 = await t.call('setFaults', { id: 'a', faults: {} }).catch((e) => e);
    expect(e1).toBeInstanceOf(CommandFailure);
    expect(e1).toMatchObject({ kind: 'invalid', field: 'faults.latency.ms' });
    const e2 = await t.call('kill', { id: 'x', mode: 'rst' }).catch((e) => e);
    expect(e2).toMatchObject({ kind: 'not-found', message: 'no peer x' });
    t.close();
  });

  it('close() unsubscribes from the preload', () => {
    const { api, listeners } = fakeApi();
    const t = new ElectronTransport(api);
    t.start();
    expect(listeners.size).toBe(1);
    t.close();
    expect(listeners.size).toBe(0);
  });
});

describe('toCommandFailure', () => {
  it('keeps CommandFailure, maps plain errors to internal with a clean message', () => {
    const f = new CommandFailure({ kind: 'conflict', message: 'port in use', field: 'port' });
    expect(toCommandFailure(f)).toBe(f);
    const g = toCommandFailure(new Error("Error invoking remote method 'x': Error: boom"));
    expect(g).toMatchObject({ kind: 'internal', message: 'boom' });
    expect(toCommandFailure({ kind: 'invalid', message: 'm', field: 'host' })).toMatchObject({ kind: 'invalid', field: 'host' });
  });
});
