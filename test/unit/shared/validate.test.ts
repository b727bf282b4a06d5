import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, type CommandName } from '../../../shared/contract';
import { MAX_SEND_BYTES, base64DecodedBytes, commandSchemas, isCommandName, validateArgs } from '../../../shared/validate';

function bad(name: string, args: unknown): { message: string; field: string } {
  const r = validateArgs(name, args);
  if (r.ok) throw new Error(`expected ${name}(${JSON.stringify(args)}) to be invalid`);
  expect(r.error.kind).toBe('invalid');
  // every message names its field
  expect(r.error.message.startsWith(r.error.field)).toBe(true);
  return r.error;
}

function good<K extends CommandName>(name: K, args: unknown) {
  const r = validateArgs(name, args);
  if (!r.ok) throw new Error(`expected ok, got ${r.error.message}`);
  return r.value;
}

describe('validateArgs', () => {
  it('has a schema for every command', () => {
    for (const n of COMMAND_NAMES) expect(commandSchemas[n]).toBeDefined();
    expect(isCommandName('connect')).toBe(true);
    expect(isCommandName('toString')).toBe(false);
  });

  it('unknown command → field command', () => {
    expect(bad('launchMissiles', {}).field).toBe('command');
    expect(bad('__proto__', {}).field).toBe('command');
  });

  it('non-object args → field args', () => {
    expect(bad('connect', null)).toEqual({ kind: 'invalid', field: 'args', message: 'args must be an object' });
    expect(bad('kill', 'p1').field).toBe('args');
    expect(bad('getSnapshot', 5).field).toBe('args');
  });

  describe('startServer', () => {
    it('accepts port 0 and full options', () => {
      expect(good('startServer', { port: 0 })).toEqual({ port: 0 });
      expect(good('startServer', { port: 7070, host: '::1', protocol: 'plain', interval: 10, timeout: 10, timeoutMode: 'adaptive' })).toMatchObject({
        port: 7070,
        protocol: 'plain',
      });
    });
    it('rejects bad values naming the field', () => {
      expect(bad('startServer', {}).message).toBe('port is required');
      expect(bad('startServer', { port: 65536 }).field).toBe('port');
      expect(bad('startServer', { port: -1 }).field).toBe('port');
      expect(bad('startServer', { port: '80' }).field).toBe('port');
      expect(bad('startServer', { port: 1, host: '' }).field).toBe('host');
      expect(bad('startServer', { port: 1, host: 'a'.repeat(254) }).field).toBe('host');
      expect(bad('startServer', { port: 1, protocol: 'http' }).message).toBe("protocol must be one of 'framed', 'plain'");
      expect(bad('startServer', { port: 1, interval: 9 }).field).toBe('interval');
      expect(bad('startServer', { port: 1, timeoutMode: 'smart' }).field).toBe('timeoutMode');
      expect(bad('startServer', { port: 1, interval: 100, timeout: 99 }).message).toBe('timeout must be ≥ interval (100 ms)');
    });
  });

  describe('connect', () => {
    it('accepts a minimal and a full peer; strips unknown keys', () => {
      expect(good('connect', { host: '127.0.0.1', port: 7070, future: true })).toEqual({ host: '127.0.0.1', port: 7070 });
      expect(good('connect', { host: 'h', port: 1, name: 'n'.repeat(64), interval: 3000, timeout: 10000 })).toMatchObject({ name: 'n'.repeat(64) });
    });
    it('rejects bad values naming the field', () => {
      expect(bad('connect', { port: 1 }).message).toBe('host is required');
      expect(bad('connect', { host: 'h', port: 0 }).message).toBe('port must be an integer between 1 and 65535');
      expect(bad('connect', { host: 'h', port: 1.5 }).message).toBe('port must be an integer between 1 and 65535');
      expect(bad('connect', { host: 'h', port: Number.NaN }).field).toBe('port');
      expect(bad('connect', { host: 'h', port: 1, name: 'n'.repeat(65) }).field).toBe('name');
      expect(bad('connect', { host: 'h', port: 1, name: '' }).field).toBe('name');
      expect(bad('connect', { host: 'h', port: 1, timeout: 500 }).message).toMatch(/^timeout must be ≥ interval \(the default interval is 1000 ms\)/);
      expect(bad('connect', { host: 'h', port: 1, interval: Infinity }).field).toBe('interval');
    });
  });

  it.each(['stopServer', 'removePeer', 'clearFaults', 'reconnect'] as const)('%s needs an id', (name) => {
    expect(good(name, { id: 'p1' })).toEqual({ id: 'p1' });
    expect(bad(name, {}).message).toBe('id is required');
    expect(bad(name, { id: '' }).field).toBe('id');
    expect(bad(name, { id: 7 }).field).toBe('id');
    expect(bad(name, { id: 'x'.repeat(65) }).field).toBe('id');
  });

  it('kill', () => {
    expect(good('kill', { id: 'p1', mode: 'rst' })).toEqual({ id: 'p1', mode: 'rst' });
    expect(bad('kill', { id: 'p1' }).message).toBe('mode is required');
    expect(bad('kill', { id: 'p1', mode: 'RST' }).message).toBe("mode must be one of 'fin', 'rst'");
  });

  describe('setFaults', () => {
    it('accepts every fault', () => {
      const faults = {
        latency: { ms: 40, jitterMs: 15, direction: 'both' },
        bandwidth: { bytesPerSec: 1000, direction: 'in' },
        freeze: true,
        dropHeartbeats: { probability: 0.2 },
        slice: { maxBytes: 1 },
        stopPinging: false,
      };
      expect(good('setFaults', { id: 'p1', faults })).toEqual({ id: 'p1', faults });
      expect(good('setFaults', { id: 'p1', faults: {} })).toEqual({ id: 'p1', faults: {} });
      expect(good('setFaults', { id: 'p1', faults: { latency: { ms: 0 } } })).toBeTruthy();
      expect(good('setFaults', { id: 'p1', faults: { latency: { ms: 60000 } } })).toBeTruthy();
    });
    it('rejects unknown fault keys naming them', () => {
      const e = bad('setFaults', { id: 'p1', faults: { latncy: { ms: 5 } } });
      expect(e.field).toBe('faults.latncy');
      expect(e.message).toMatch(/^faults\.latncy is not a known fault/);
      expect(bad('setFaults', { id: 'p1', faults: { latency: { ms: 5, jiter: 1 } } }).field).toBe('faults.latency.jiter');
    });
    it('rejects bad ranges with dotted fields', () => {
      const cases: [unknown, string][] = [
        [{ latency: { ms: -1 } }, 'faults.latency.ms'],
        [{ latency: { ms: 60001 } }, 'faults.latency.ms'],
        [{ latency: {} }, 'faults.latency.ms'],
        [{ latency: { ms: 1, jitterMs: -2 } }, 'faults.latency.jitterMs'],
        [{ latency: { ms: 1, direction: 'up' } }, 'faults.latency.direction'],
        [{ latency: 5 }, 'faults.latency'],
        [{ bandwidth: { bytesPerSec: 0 } }, 'faults.bandwidth.bytesPerSec'],
        [{ freeze: 'yes' }, 'faults.freeze'],
        [{ dropHeartbeats: { probability: 1.01 } }, 'faults.dropHeartbeats.probability'],
        [{ dropHeartbeats: 0.5 }, 'faults.dropHeartbeats'],
        [{ slice: { maxBytes: 0 } }, 'faults.slice.maxBytes'],
        [{ slice: { maxBytes: 1.5 } }, 'faults.slice.maxBytes'],
        [{ stopPinging: 1 }, 'faults.stopPinging'],
      ];
      for (const [faults, field] of cases) expect(bad('setFaults', { id: 'p1', faults }).field).toBe(field);
      expect(bad('setFaults', { id: 'p1', faults: { dropHeartbeats: { probability: 2 } } }).message).toBe(
        'faults.dropHeartbeats.probability must be a number between 0 and 1',
      );
      expect(bad('setFaults', { id: 'p1' }).message).toBe('faults is required');
      expect(bad('setFaults', { id: 'p1', faults: null }).field).toBe('faults');
    });
  });

  it('setConfig', () => {
    expect(good('setConfig', {})).toEqual({});
    expect(good('setConfig', { historyPerPeer: 50, eventLogSize: 10 })).toEqual({ historyPerPeer: 50, eventLogSize: 10 });
    expect(bad('setConfig', { historyPerPeer: 0 }).field).toBe('historyPerPeer');
    expect(bad('setConfig', { eventLogSize: 2.5 }).field).toBe('eventLogSize');
    expect(bad('setConfig', { eventLogSize: 10_000_000 }).field).toBe('eventLogSize');
  });

  describe('sendData', () => {
    it('accepts text or base64', () => {
      expect(good('sendData', { id: 'p1', text: 'héllo' })).toEqual({ id: 'p1', text: 'héllo' });
      expect(good('sendData', { id: 'p1', base64: 'aGk=' })).toEqual({ id: 'p1', base64: 'aGk=' });
      expect(good('sendData', { id: 'p1', base64: 'AAAA' })).toBeTruthy();
    });
    it('needs exactly one of text/base64', () => {
      expect(bad('sendData', { id: 'p1' }).field).toBe('text');
      expect(bad('sendData', { id: 'p1', text: 'a', base64: 'YQ==' }).field).toBe('base64');
      expect(bad('sendData', { id: 'p1', text: '' }).field).toBe('text');
      expect(bad('sendData', { id: 'p1', text: 5 }).field).toBe('text');
    });
    it('rejects invalid base64', () => {
      for (const b of ['abc', 'a===', '****', 'YQ=', 'Y Q==', 'YQ==YQ==']) {
        expect(bad('sendData', { id: 'p1', base64: b }).message).toMatch(/^base64 must be valid base64/);
      }
    });
    it('limits the size to 1 MiB', () => {
      expect(good('sendData', { id: 'p1', text: 'x'.repeat(MAX_SEND_BYTES) })).toBeTruthy();
      expect(bad('sendData', { id: 'p1', text: 'x'.repeat(MAX_SEND_BYTES + 1) }).field).toBe('text');
      // 2-byte UTF-8 characters: fewer chars than the limit, more bytes
      expect(bad('sendData', { id: 'p1', text: 'é'.repeat(MAX_SEND_BYTES / 2 + 1) }).field).toBe('text');
      const ok64 = 'A'.repeat((MAX_SEND_BYTES / 3 | 0) * 4);
      expect(base64DecodedBytes(ok64)).toBeLessThanOrEqual(MAX_SEND_BYTES);
      expect(good('sendData', { id: 'p1', base64: ok64 })).toBeTruthy();
      expect(bad('sendData', { id: 'p1', base64: 'A'.repeat(((MAX_SEND_BYTES / 3 | 0) + 2) * 4) }).field).toBe('base64');
    });
  });

  it.each(['getSnapshot', 'exportSession'] as const)('%s takes no arguments', (name) => {
    expect(good(name, undefined)).toEqual({});
    expect(good(name, {})).toEqual({});
    expect(good(name, null)).toEqual({});
    expect(bad(name, [1]).field).toBe('args');
  });

  it('base64DecodedBytes', () => {
    expect(base64DecodedBytes('')).toBe(0);
    expect(base64DecodedBytes('YQ==')).toBe(1);
    expect(base64DecodedBytes('YWI=')).toBe(2);
    expect(base64DecodedBytes('YWJj')).toBe(3);
  });
});
