import { describe, expect, it } from 'vitest';
import {
  CONNECT_USAGE,
  SERVE_USAGE,
  parseConnectArgs,
  parseServeArgs,
} from '../../../electron/headless/cli-options';

describe('serve/connect option parsing', () => {
  it('applies defaults', () => {
    expect(parseServeArgs([])).toEqual({
      ok: true,
      options: {
        host: '127.0.0.1',
        port: 7070,
        intervalMs: 1000,
        timeoutMs: 5000,
        timeoutMode: 'fixed',
        protocol: 'framed',
        name: undefined,
        json: false,
        help: false,
      },
    });
  });

  it('reads every flag', () => {
    const r = parseServeArgs([
      '--host', '::1', '--port', '0', '--interval', '3000', '--timeout', '10000',
      '--timeout-mode', 'adaptive', '--protocol', 'plain', '--name', 'x', '--json',
    ]);
    expect(r).toEqual({
      ok: true,
      options: {
        host: '::1', port: 0, intervalMs: 3000, timeoutMs: 10000, timeoutMode: 'adaptive',
        protocol: 'plain', name: 'x', json: true, help: false,
      },
    });
  });

  it('a large interval raises the default timeout instead of failing', () => {
    const r = parseServeArgs(['--interval', '4000']);
    expect(r.ok && r.options.timeoutMs).toBe(8000);
  });

  it('parses HOST:PORT including [IPv6]:PORT', () => {
    const a = parseConnectArgs(['127.0.0.1:7070', '--json']);
    expect(a.ok && [a.options.host, a.options.port, a.options.json]).toEqual(['127.0.0.1', 7070, true]);
    const b = parseConnectArgs(['[::1]:9000']);
    expect(b.ok && [b.options.host, b.options.port]).toEqual(['::1', 9000]);
    const c = parseConnectArgs(['localhost:1']);
    expect(c.ok && c.options.host).toBe('localhost');
  });

  it('--help wins over bad values', () => {
    const r = parseServeArgs(['--interval', 'abc', '--help']);
    expect(r.ok && r.options.help).toBe(true);
    const c = parseConnectArgs(['-h']);
    expect(c.ok && c.options.help).toBe(true);
  });

  it.each([
    [['--interval', 'abc'], '--interval must be a positive integer (got "abc")'],
    [['--interval', '0'], '--interval must be a positive integer (got "0")'],
    [['--interval', '1.5'], '--interval must be a positive integer (got "1.5")'],
    [['--interval=-5'], '--interval must be a positive integer (got "-5")'],
    [['--interval', '-5'], '--interval needs a value'],
    [['--timeout', 'x'], '--timeout must be a positive integer (got "x")'],
    [['--interval', '1000', '--timeout', '10'], '--timeout must be at least --interval (got 10 < 1000)'],
    [['--port', '70000'], '--port must be an integer from 0 to 65535 (got "70000")'],
    [['--port', 'http'], '--port must be an integer from 0 to 65535 (got "http")'],
    [['--protocol', 'udp'], '--protocol must be one of framed, plain (got "udp")'],
    [['--timeout-mode', 'magic'], '--timeout-mode must be one of fixed, adaptive (got "magic")'],
    [['--bogus'], 'unknown option --bogus'],
    [['--port'], '--port needs a value'],
    [['--json=yes'], '--json does not take a value'],
    [['extra'], 'unexpected argument "extra"'],
    [['--host', ''], '--host must be a host name or IP address (got "")'],
  ])('serve %j → %s', (argv, message) => {
    const r = parseServeArgs(argv);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toContain(message);
  });

  it.each([
    [[], 'missing HOST:PORT'],
    [['7070'], 'HOST:PORT must look like'],
    [['host:0'], 'HOST:PORT must look like'],
    [['::1:7070'], 'HOST:PORT must look like'],
    [['a:1', 'b:2'], 'unexpected argument "b:2"'],
    [['a:1', '--port', '1'], 'unknown option --port'],
  ])('connect %j → %s', (argv, message) => {
    const r = parseConnectArgs(argv);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toContain(message);
  });

  it('usage texts document every option', () => {
    for (const opt of ['--interval', '--timeout', '--timeout-mode', '--protocol', '--name', '--json', '--help']) {
      expect(SERVE_USAGE).toContain(opt);
      expect(CONNECT_USAGE).toContain(opt);
    }
    expect(SERVE_USAGE).toContain('--host');
    expect(SERVE_USAGE).toContain('--port');
  });
});
