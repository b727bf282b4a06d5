import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isAppResource, isAppUrl, resolveAppLocation } from '../../../electron/main/app-url';

const APP = join('/opt', 'heartwire');
const page = pathToFileURL(join(APP, 'out', 'renderer', 'index.html')).href;

describe('app location', () => {
  it('points at the built preload and renderer', () => {
    const loc = resolveAppLocation(APP, {});
    expect(loc.preloadFile).toBe(join(APP, 'out', 'preload', 'index.cjs'));
    expect(loc.rendererFile).toBe(join(APP, 'out', 'renderer', 'index.html'));
    expect(loc.devUrl).toBeUndefined();
  });

  it('uses the dev server only for a loopback URL and an unpackaged app', () => {
    expect(resolveAppLocation(APP, { ELECTRON_RENDERER_URL: 'http://localhost:5173' }).devUrl).toBe('http://localhost:5173');
    expect(resolveAppLocation(APP, { ELECTRON_RENDERER_URL: 'https://evil.example' }).devUrl).toBeUndefined();
    expect(resolveAppLocation(join(APP, 'resources', 'app.asar'), { ELECTRON_RENDERER_URL: 'http://localhost:5173' }).devUrl).toBeUndefined();
  });
});

describe('isAppUrl / isAppResource', () => {
  const loc = resolveAppLocation(APP, {});

  it('accepts the page itself with any query or hash', () => {
    expect(isAppUrl(page, loc)).toBe(true);
    expect(isAppUrl(page + '?x=1#/a', loc)).toBe(true);
  });

  it('rejects other files, other schemes, traversal tricks and garbage', () => {
    expect(isAppUrl(pathToFileURL(join(APP, 'out', 'renderer', 'x.html')).href, loc)).toBe(false);
    expect(isAppUrl('file:///etc/passwd', loc)).toBe(false);
    expect(isAppUrl('https://example.com/index.html', loc)).toBe(false);
    expect(isAppUrl('not a url', loc)).toBe(false);
    expect(isAppResource(pathToFileURL(join(APP, 'out', 'renderer')).href + '/../../package.json', loc)).toBe(false);
  });

  it('treats every file under out/renderer as an app resource', () => {
    expect(isAppResource(pathToFileURL(join(APP, 'out', 'renderer', 'assets', 'a.css')).href, loc)).toBe(true);
    expect(isAppResource(pathToFileURL(join(APP, 'out', 'main', 'index.js')).href, loc)).toBe(false);
    expect(isAppResource(pathToFileURL(join(APP, 'out', 'renderer-evil', 'a.js')).href, loc)).toBe(false);
  });

  it('in dev, accepts exactly the dev server origin', () => {
    const dev = resolveAppLocation(APP, { ELECTRON_RENDERER_URL: 'http://localhost:5173/' });
    expect(isAppUrl('http://localhost:5173/#/x', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isAppUrl(page, dev)).toBe(false);
  });
});
