import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { changesSetup, createSetupSaver, loadSetup, saveSetup, type PersistedSetup } from '../../../electron/core/persist';

let dir: string;
let file: string;

const setup: PersistedSetup = {
  servers: [{ port: 7070, host: '127.0.0.1', protocol: 'framed', interval: 1000, timeout: 5000 }],
  peers: [
    { host: '127.0.0.1', port: 7070, name: 'steady' },
    { host: '127.0.0.1', port: 7070, name: 'laggy', faults: { latency: { ms: 40, jitterMs: 15, direction: 'both' } } },
  ],
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'heartwire-persist-'));
  file = join(dir, 'setup.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function leftovers(): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.tmp'));
}

describe('saveSetup / loadSetup', () => {
  it('round-trips a setup', async () => {
    await saveSetup(file, setup);
    const loaded = await loadSetup(file);
    expect(loaded.status).toBe('ok');
    expect(loaded.setup).toEqual(setup);
    expect(JSON.parse(await readFile(file, 'utf8')).version).toBe(1);
    expect(await leftovers()).toEqual([]);
  });

  it('replaces the previous file and creates missing directories', async () => {
    const nested = join(dir, 'a', 'b', 'setup.json');
    await saveSetup(nested, setup);
    await saveSetup(nested, { servers: [], peers: [] });
    expect((await loadSetup(nested)).setup).toEqual({ servers: [], peers: [] });
  });

  it('reports a missing file as missing, with an empty setup', async () => {
    expect(await loadSetup(file)).toEqual({ status: 'missing', setup: { servers: [], peers: [] } });
  });

  it('moves an unparsable file aside to .corrupt and starts fresh', async () => {
    await writeFile(file, '{"version":1,"servers":[{"port":70');
    const loaded = await loadSetup(file);
    expect(loaded.status).toBe('corrupt');
    expect(loaded.setup).toEqual({ servers: [], peers: [] });
    expect(loaded.corruptCopy).toBe(file + '.corrupt');
    expect(await readFile(file + '.corrupt', 'utf8')).toBe('{"version":1,"servers":[{"port":70');
    expect((await loadSetup(file)).status).toBe('missing');
  });

  it('treats valid JSON of the wrong shape as corrupt', async () => {
    for (const text of ['[]', '{"servers":[],"peers":[]}', '{"version":1,"servers":{},"peers":[]}', '{"version":1,"servers":[],"peers":[{"port":"x"}]}']) {
      await writeFile(file, text);
      expect((await loadSetup(file)).status, text).toBe('corrupt');
    }
  });

  it('leaves the previous file intact and no temp file when the write fails', async () => {
    await saveSetup(file, setup);
    const before = await readFile(file, 'utf8');
    const exploding = {
      servers: [],
      get peers(): never {
        throw new Error('disk full');
      },
    } as unknown as PersistedSetup;
    await expect(saveSetup(file, exploding)).rejects.toThrow('disk full');
    expect(await readFile(file, 'utf8')).toBe(before);
    expect(await leftovers()).toEqual([]);
  });

  it('removes its temp file when the final rename fails', async () => {
    // A non-empty directory where the file should be: everything succeeds up to rename.
    await mkdir(join(file, 'occupied'), { recursive: true });
    await expect(saveSetup(file, setup)).rejects.toThrow();
    expect(await leftovers()).toEqual([]);
    expect(await readdir(join(file))).toEqual(['occupied']);
  });
});

describe('createSetupSaver', () => {
  it('coalesces a burst of changes into one write', async () => {
    const getSetup = vi.fn(() => setup);
    const saver = createSetupSaver({ file, getSetup, delayMs: 20 });
    saver.schedule();
    saver.schedule();
    saver.schedule();
    const deadline = Date.now() + 3000;
    while (getSetup.mock.calls.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await saver.flush();
    expect(getSetup).toHaveBeenCalledTimes(1);
    expect((await loadSetup(file)).setup).toEqual(setup);
    saver.dispose();
  });

  it('flush writes a pending save at once; dispose cancels it', async () => {
    const saver = createSetupSaver({ file, getSetup: () => setup, delayMs: 60_000 });
    saver.schedule();
    await saver.flush();
    expect((await loadSetup(file)).status).toBe('ok');
    await rm(file);
    saver.schedule();
    saver.dispose();
    await saver.flush();
    expect((await loadSetup(file)).status).toBe('missing');
  });

  it('reports save errors to onError instead of throwing', async () => {
    await mkdir(join(file, 'occupied'), { recursive: true });
    const onError = vi.fn();
    const saver = createSetupSaver({ file, getSetup: () => setup, delayMs: 60_000, onError });
    saver.schedule();
    await saver.flush();
    expect(onError).toHaveBeenCalledOnce();
  });

  it('knows which commands change the saved setup', () => {
    for (const name of ['startServer', 'stopServer', 'connect', 'removePeer', 'setFaults', 'clearFaults']) expect(changesSetup(name), name).toBe(true);
    for (const name of ['kill', 'reconnect', 'sendData', 'getSnapshot', 'exportSession', 'setConfig', 'nope']) expect(changesSetup(name), name).toBe(false);
  });
});
