import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeBrowserWindow, navEvent } from './electron-fakes';

vi.mock('electron', async () => {
  const fakes = await import('./electron-fakes');
  return { BrowserWindow: fakes.FakeBrowserWindow };
});

const { createMainWindow, CONTENT_SECURITY_POLICY } = await import('../../../electron/main/window');
const { resolveAppLocation } = await import('../../../electron/main/app-url');

const APP = join('/opt', 'heartwire');
const loc = resolveAppLocation(APP, {});
const appPage = pathToFileURL(join(APP, 'out', 'renderer', 'index.html')).href;

function open(location = loc): FakeBrowserWindow {
  createMainWindow(location);
  return FakeBrowserWindow.instances[FakeBrowserWindow.instances.length - 1];
}

beforeEach(() => {
  FakeBrowserWindow.instances = [];
});

describe('main window security settings', () => {
  it('isolates and sandboxes the renderer without Node', () => {
    const prefs = open().options.webPreferences as Record<string, unknown>;
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.preload).toBe(join(APP, 'out', 'preload', 'index.cjs'));
  });

  it('loads the built renderer, or the dev server when electron-vite dev runs', () => {
    const win = open();
    expect(win.loadFile).toHaveBeenCalledWith(join(APP, 'out', 'renderer', 'index.html'));
    expect(win.loadURL).not.toHaveBeenCalled();
    const dev = open(resolveAppLocation(APP, { ELECTRON_RENDERER_URL: 'http://localhost:5173' }));
    expect(dev.loadURL).toHaveBeenCalledWith('http://localhost:5173');
  });

  it('shows the window only once it is ready', () => {
    const win = open();
    expect(win.show).not.toHaveBeenCalled();
    win.emit('ready-to-show');
    expect(win.show).toHaveBeenCalledOnce();
  });
});

describe('navigation and new windows', () => {
  it('prevents navigation to anything but the app page', () => {
    const wc = open().webContents;
    for (const url of ['https://example.com/', 'file:///etc/passwd', pathToFileURL(join(APP, 'out', 'renderer', 'other.html')).href, 'javascript:alert(1)']) {
      const ev = navEvent(url);
      wc.emit('will-navigate', ev, url);
      expect(ev.preventDefault, url).toHaveBeenCalled();
    }
    const redirect = navEvent('https://example.com/');
    wc.emit('will-redirect', redirect, redirect.url);
    expect(redirect.preventDefault).toHaveBeenCalled();
  });

  it('allows the app page itself (e.g. with a hash)', () => {
    const wc = open().webContents;
    const ev = navEvent(appPage + '#/peers');
    wc.emit('will-navigate', ev, ev.url);
    expect(ev.preventDefault).not.toHaveBeenCalled();
  });

  it('denies every window.open', () => {
    const wc = open().webContents;
    expect(wc.setWindowOpenHandler).toHaveBeenCalledOnce();
    const handler = wc.setWindowOpenHandler.mock.calls[0][0] as (d: { url: string }) => unknown;
    expect(handler({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    expect(handler({ url: appPage })).toEqual({ action: 'deny' });
  });

  it('refuses to attach webviews', () => {
    const wc = open().webContents;
    const ev = { preventDefault: vi.fn() };
    wc.emit('will-attach-webview', ev, {}, {});
    expect(ev.preventDefault).toHaveBeenCalled();
  });
});

describe('session: permissions and CSP', () => {
  it('denies every permission request and check', () => {
    const ses = open().webContents.session;
    const request = ses.setPermissionRequestHandler.mock.calls[0][0] as (wc: unknown, p: string, cb: (ok: boolean) => void) => void;
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal']) {
      const cb = vi.fn();
      request({}, permission, cb);
      expect(cb).toHaveBeenCalledWith(false);
    }
    const check = ses.setPermissionCheckHandler.mock.calls[0][0] as (wc: unknown, p: string) => boolean;
    expect(check(null, 'media')).toBe(false);
    expect(check(null, 'notifications')).toBe(false);
  });

  it("sets the strict CSP header on the app's own files", () => {
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    );
    const ses = open().webContents.session;
    const listener = ses.webRequest.onHeadersReceived.mock.calls[0][0] as (d: unknown, cb: (r: unknown) => void) => void;
    const cb = vi.fn();
    listener({ url: appPage, resourceType: 'mainFrame', responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Other': ['1'] } }, cb);
    const headers = (cb.mock.calls[0][0] as { responseHeaders: Record<string, string[]> }).responseHeaders;
    expect(headers['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(headers['content-security-policy']).toBeUndefined(); // replaced, not merged
    expect(headers['X-Other']).toEqual(['1']);

    const asset = vi.fn();
    listener({ url: pathToFileURL(join(APP, 'out', 'renderer', 'assets', 'index-abc.js')).href, resourceType: 'script' }, asset);
    expect((asset.mock.calls[0][0] as { responseHeaders: Record<string, string[]> }).responseHeaders['Content-Security-Policy']).toEqual([
      CONTENT_SECURITY_POLICY,
    ]);
  });

  it('leaves responses that are not the app untouched', () => {
    const ses = open().webContents.session;
    const listener = ses.webRequest.onHeadersReceived.mock.calls[0][0] as (d: unknown, cb: (r: unknown) => void) => void;
    const cb = vi.fn();
    listener({ url: 'https://example.com/', resourceType: 'mainFrame', responseHeaders: {} }, cb);
    expect(cb).toHaveBeenCalledWith({});
  });

  it('in dev, relaxes only what HMR needs', () => {
    const ses = open(resolveAppLocation(APP, { ELECTRON_RENDERER_URL: 'http://localhost:5173' })).webContents.session;
    const listener = ses.webRequest.onHeadersReceived.mock.calls[0][0] as (d: unknown, cb: (r: unknown) => void) => void;
    const cb = vi.fn();
    listener({ url: 'http://localhost:5173/', resourceType: 'mainFrame', responseHeaders: {} }, cb);
    const csp = (cb.mock.calls[0][0] as { responseHeaders: Record<string, string[]> }).responseHeaders['Content-Security-Policy'][0];
    expect(csp).toContain("connect-src 'self' ws://localhost:5173");
    expect(csp).toContain("object-src 'none'");
  });
});
