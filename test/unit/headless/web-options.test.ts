import { describe, expect, it } from 'vitest';
import { parseWebArgs } from '../../../electron/headless/web/web-options';

describe('heartwire web options', () => {
  it('has the documented defaults', () => {
    const r = parseWebArgs([]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.options).toMatchObject({ host: '127.0.0.1', port: 7071, demo: true, json: false, help: false });
    expect(r.options.token).toMatch(/^[0-9a-f]{32}$/);
  });

  it('reads every flag', () => {
    const r = parseWebArgs(['--host', '0.0.0.0', '--port', '0', '--token', 'T', '--no-demo', '--json']);
    expect(r).toEqual({ ok: true, options: { host: '0.0.0.0', port: 0, token: 'T', demo: false, json: true, help: false } });
    const eq = parseWebArgs(['--port=8080']);
    expect(eq.ok && eq.options.port).toBe(8080);
  });

  it('takes the token from HEARTWIRE_TOKEN unless --token is given', () => {
    const env = { HEARTWIRE_TOKEN: 'fromenv' };
    const a = parseWebArgs([], env);
    expect(a.ok && a.options.token).toBe('fromenv');
    const b = parseWebArgs(['--token', 'flag'], env);
    expect(b.ok && b.options.token).toBe('flag');
    const c = parseWebArgs([], { HEARTWIRE_TOKEN: '' });
    expect(c.ok && c.options.token).toMatch(/^[0-9a-f]{32}$/);
  });

  it.each([
    [['--bogus'], '--bogus'],
    [['--port', 'abc'], '--port'],
    [['--port', '70000'], '--port'],
    [['--port', '-1'], '--port'],
    [['--port', '1.5'], '--port'],
    [['--port'], '--port'],
    [['--token', ''], '--token'],
    [['--token', 'a b'], '--token'],
    [['--host', ''], '--host'],
    [['--json=yes'], '--json'],
  ])('rejects %j naming %s', (argv, flag) => {
    const r = parseWebArgs(argv);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.flag).toBe(flag);
    expect(r.message).toContain(flag);
  });

  it('rejects positional arguments', () => {
    const r = parseWebArgs(['extra']);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('extra');
  });
});
