import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { COMMAND_NAMES, type HeartwireApi, type UpdateBatch } from '../../../shared/contract';
import { CommandFailure } from '../../../shared/command-failure';

const electron = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  ipcRenderer: null as unknown as FakeIpcRenderer,
}));

class FakeIpcRenderer extends EventEmitter {
  invoke = vi.fn(async (_channel: string, _name: string, _args: unknown): Promise<unknown> => ({ ok: true, result: null }));
}

vi.mock('electron', async () => {
  electron.ipcRenderer = new FakeIpcRenderer();
  return {
    ipcRenderer: electron.ipcRenderer,
    contextBridge: { exposeInMainWorld: (key: string, value: unknown) => electron.exposed.set(key, value) },
  };
});

await import('../../../electron/preload/index');
const api = electron.exposed.get('heartwire') as HeartwireApi;
const ipc = electron.ipcRenderer;

function batch(seq: number): UpdateBatch {
  return { seq, t: 0, peers: [], removedPeers: [], servers: [], removedServers: [], samples: {}, beats: {}, events: [], health: { eventLoopLagMs: 0, heartbeatsPerSec: 0 } };
}

beforeEach(() => {
  ipc.invoke.mockClear();
  ipc.removeAllListeners();
});

describe('window.heartwire', () => {
  it('is the only thing exposed, with exactly the contract methods plus onUpdate', () => {
    expect([...electron.exposed.keys()]).toEqual(['heartwire']);
    expect(Object.keys(api).sort()).toEqual([...COMMAND_NAMES, 'onUpdate'].sort());
    for (const key of Object.keys(api)) expect(typeof (api as unknown as Record<string, unknown>)[key], key).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('never exposes ipcRenderer or raw IPC methods', () => {
    const values = Object.values(api as unknown as Record<string, unknown>);
    expect(values).not.toContain(ipc);
    for (const key of ['ipcRenderer', 'invoke', 'send', 'on', 'removeListener', 'sendSync']) expect(key in api, key).toBe(false);
  });

  it("forwards each command as invoke('heartwire:command', name, args) and returns the result", async () => {
    const peer = { id: 'p1', name: 'steady' };
    ipc.invoke.mockResolvedValueOnce({ ok: true, result: peer });
    const args = { host: '127.0.0.1', port: 7070, name: 'steady' };
    await expect(api.connect(args)).resolves.toEqual(peer);
    expect(ipc.invoke).toHaveBeenCalledWith('heartwire:command', 'connect', args);

    for (const name of COMMAND_NAMES) {
      ipc.invoke.mockResolvedValueOnce({ ok: true, result: { name } });
      await expect((api[name] as (a: unknown) => Promise<unknown>)({})).resolves.toEqual({ name });
      expect(ipc.invoke).toHaveBeenLastCalledWith('heartwire:command', name, {});
    }
  });

  it('throws a CommandFailure with kind and field from an error outcome', async () => {
    ipc.invoke.mockResolvedValueOnce({ ok: false, error: { kind: 'invalid', message: 'port must be an integer', field: 'port' } });
    const err = await api.startServer({ port: -1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandFailure);
    expect(err).toMatchObject({ kind: 'invalid', field: 'port' });
    // The context bridge keeps only the message: it must carry the whole CommandError.
    expect(JSON.parse((err as Error).message)).toEqual({ kind: 'invalid', message: 'port must be an integer', field: 'port' });
  });

  it("keeps kind/field through the bridge's message-only copy, as the renderer transport decodes it", async () => {
    const { toCommandFailure } = await import('../../../renderer/src/transport/to-failure');
    ipc.invoke.mockResolvedValueOnce({ ok: false, error: { kind: 'not-found', message: 'no peer p9' } });
    const err = (await api.kill({ id: 'p9', mode: 'rst' }).catch((e: unknown) => e)) as Error;
    const bridged = new Error(err.message); // what the main world receives
    const decoded = toCommandFailure(bridged);
    expect(decoded).toMatchObject({ kind: 'not-found', message: 'no peer p9' });
    expect(decoded.field).toBeUndefined();
  });

  it('turns an IPC rejection or a malformed reply into an internal CommandFailure', async () => {
    ipc.invoke.mockRejectedValueOnce(new Error("Error invoking remote method 'heartwire:command': untrusted"));
    const a = await api.getSnapshot({}).catch((e: unknown) => e);
    expect(a).toBeInstanceOf(CommandFailure);
    expect(a).toMatchObject({ kind: 'internal' });
    ipc.invoke.mockResolvedValueOnce('nonsense');
    await expect(api.getSnapshot({})).rejects.toMatchObject({ kind: 'internal' });
  });
});

describe('onUpdate', () => {
  it('delivers batches (not the IPC event) until unsubscribed', () => {
    const got: unknown[][] = [];
    const off = api.onUpdate((...args: unknown[]) => got.push(args));
    const fakeEvent = { sender: ipc, ports: [] };
    ipc.emit('heartwire:update', fakeEvent, batch(1));
    ipc.emit('heartwire:update', fakeEvent, batch(2));
    expect(got).toEqual([[batch(1)], [batch(2)]]);
    off();
    ipc.emit('heartwire:update', fakeEvent, batch(3));
    expect(got).toHaveLength(2);
    expect(ipc.listenerCount('heartwire:update')).toBe(0);
  });

  it('unsubscribes only its own listener, and a second call is harmless', () => {
    const a = vi.fn();
    const b = vi.fn();
    const offA = api.onUpdate(a);
    api.onUpdate(b);
    offA();
    offA();
    ipc.emit('heartwire:update', {}, batch(7));
    expect(a).not.toHaveBeenCalled();
    expect(b).toHaveBeenCalledWith(batch(7));
  });

  it('rejects a non-function listener', () => {
    expect(() => api.onUpdate(42 as never)).toThrow(TypeError);
  });
});
