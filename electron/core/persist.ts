// Saved servers and peers between runs (the desktop app's setup.json). Writes are
// atomic — temp file in the same directory, fsync, rename — so a crash or a full disk
// mid-save leaves the previous file intact, never a truncated one. A file that cannot
// be read back is moved aside to `<file>.corrupt` and the app starts fresh.
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { CommandName, ConnectArgs, Faults, StartServerArgs } from '../../shared/contract';

/** Same shape as MonitorService's `SavedSetup` (kept structural so persistence has no engine dependency). */
export interface PersistedSetup {
  servers: StartServerArgs[];
  peers: (ConnectArgs & { faults?: Faults })[];
}

export type LoadStatus = 'ok' | 'missing' | 'corrupt';

export interface LoadResult {
  status: LoadStatus;
  /** the saved setup when status is 'ok', else an empty one */
  setup: PersistedSetup;
  /** where a corrupt file was moved to */
  corruptCopy?: string;
}

const FORMAT_VERSION = 1;

export function emptySetup(): PersistedSetup {
  return { servers: [], peers: [] };
}

/** Reads `file`. Missing → status 'missing'; unreadable JSON or wrong shape → moved to `.corrupt`. Never throws for content problems. */
export async function loadSetup(file: string): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing', setup: emptySetup() };
    throw err;
  }
  const setup = parseSetup(text);
  if (setup) return { status: 'ok', setup };
  const corruptCopy = `${file}.corrupt`;
  // Keep the bad file for inspection; the next save must not overwrite the evidence.
  await rename(file, corruptCopy).catch(() => undefined);
  return { status: 'corrupt', setup: emptySetup(), corruptCopy };
}

/** Atomically replaces `file` with `setup`. On any failure the previous file is untouched and no temp file remains. */
export async function saveSetup(file: string, setup: PersistedSetup): Promise<void> {
  const text = JSON.stringify({ version: FORMAT_VERSION, servers: setup.servers, peers: setup.peers }, null, 2) + '\n';
  const dir = dirname(file);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await syncDir(dir);
}

/** Makes the rename itself durable; directories cannot be fsynced on Windows, so best effort. */
async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the data itself is already synced.
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Shape check only; every entry is validated again by MonitorService.restore via shared/validate. */
export function parseSetup(text: string): PersistedSetup | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(data) || data.version !== FORMAT_VERSION) return null;
  const { servers, peers } = data;
  if (!Array.isArray(servers) || !Array.isArray(peers)) return null;
  if (!servers.every((s) => isRecord(s) && typeof s.port === 'number')) return null;
  if (!peers.every((p) => isRecord(p) && typeof p.host === 'string' && typeof p.port === 'number')) return null;
  return { servers: servers as StartServerArgs[], peers: peers as PersistedSetup['peers'] };
}

/** Commands after which the saved setup may have changed. */
const SETUP_COMMANDS: ReadonlySet<CommandName> = new Set<CommandName>([
  'startServer',
  'stopServer',
  'connect',
  'removePeer',
  'setFaults',
  'clearFaults',
]);

export function changesSetup(name: string): boolean {
  return SETUP_COMMANDS.has(name as CommandName);
}

export interface SetupSaverOptions {
  file: string;
  /** reads the current setup at save time (e.g. `() => monitor.savedSetup()`) */
  getSetup: () => PersistedSetup;
  delayMs?: number;
  onError?: (err: unknown) => void;
}

export interface SetupSaver {
  /** (re)starts the debounce timer */
  schedule(): void;
  /** saves now if a save is pending, and waits for any save in progress */
  flush(): Promise<void>;
  /** cancels a pending save (no final write) */
  dispose(): void;
}

/** Debounced, serialized saving: a burst of commands produces one write, and writes never overlap. */
export function createSetupSaver(opts: SetupSaverOptions): SetupSaver {
  const delayMs = opts.delayMs ?? 500;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending = false;
  let chain: Promise<void> = Promise.resolve();

  const runSave = (): Promise<void> => {
    pending = false;
    chain = chain.then(async () => {
      try {
        await saveSetup(opts.file, opts.getSetup());
      } catch (err) {
        opts.onError?.(err);
      }
    });
    return chain;
  };

  return {
    schedule() {
      pending = true;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        void runSave();
      }, delayMs);
    },
    async flush() {
      if (timer) {
        clearTimeout(timer);
        timer = undefined;
      }
      if (pending) await runSave();
      else await chain;
    },
    dispose() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      pending = false;
    },
  };
}
