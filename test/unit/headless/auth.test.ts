import { describe, expect, it } from 'vitest';
import { bearerToken, generateToken, originAllowed, tokensEqual } from '../../../electron/headless/web/auth';

describe('web auth', () => {
  it('generates random hex tokens', () => {
    const a = generateToken();
    const b = generateToken();
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(a).not.toBe(b);
  });

  it('compares tokens exactly, whatever the lengths', () => {
    expect(tokensEqual('abc', 'abc')).toBe(true);
    expect(tokensEqual('abd', 'abc')).toBe(false);
    expect(tokensEqual('ab', 'abc')).toBe(false);
    expect(tokensEqual('abcd', 'abc')).toBe(false);
    expect(tokensEqual('', 'abc')).toBe(false);
    expect(tokensEqual(null, 'abc')).toBe(false);
    expect(tokensEqual(undefined, 'abc')).toBe(false);
  });

  it('reads Bearer tokens only', () => {
    expect(bearerToken('Bearer t0k')).toBe('t0k');
    expect(bearerToken('bearer   t0k ')).toBe('t0k');
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeNull();
    expect(bearerToken('Bearer')).toBeNull();
    expect(bearerToken('Bearer a b')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });

  it('allows no Origin or an Origin equal to the Host', () => {
    expect(originAllowed(undefined, '127.0.0.1:7071')).toBe(true);
    expect(originAllowed('http://127.0.0.1:7071', '127.0.0.1:7071')).toBe(true);
    expect(originAllowed('https://LOCALHOST:7071', 'localhost:7071')).toBe(true);
    expect(originAllowed('http://127.0.0.1:7072', '127.0.0.1:7071')).toBe(false);
    expect(originAllowed('http://evil.example', '127.0.0.1:7071')).toBe(false);
    expect(originAllowed('null', '127.0.0.1:7071')).toBe(false);
    expect(originAllowed('http://127.0.0.1:7071', undefined)).toBe(false);
  });
});
