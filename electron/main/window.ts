// The one app window and its security posture (Electron security checklist): isolated,
// sandboxed renderer without Node; no navigation away from the app, no new windows,
// no permissions, and a strict CSP on the app's own files.
import { BrowserWindow, type Session, type WebContents } from 'electron';
import { isAppResource, isAppUrl, type AppLocation } from './app-url';

/** Production policy. The renderer may carry the same policy in a <meta> tag as defence in depth. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** `electron-vite dev` only: React refresh injects an inline preamble and HMR talks over a WebSocket. */
export function devContentSecurityPolicy(devUrl: string): string {
  const u = new URL(devUrl);
  const ws = `${u.protocol === 'https:' ? 'wss' : 'ws'}://${u.host}`;
  return CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
    "connect-src 'self'",
    `connect-src 'self' ${ws}`,
  );
}

export function createMainWindow(loc: AppLocation): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 560,
    show: false,
    title: 'Heartwire',
    backgroundColor: '#14161a',
    webPreferences: {
      preload: loc.preloadFile,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  hardenSession(win.webContents.session, loc);
  hardenWebContents(win.webContents, loc);
  win.once('ready-to-show', () => win.show());
  void loadApp(win, loc);
  return win;
}

export function loadApp(win: BrowserWindow, loc: AppLocation): Promise<void> {
  return loc.devUrl ? win.loadURL(loc.devUrl) : win.loadFile(loc.rendererFile);
}

/** The window may only ever show the app; links to elsewhere are not followed. */
export function hardenWebContents(wc: WebContents, loc: AppLocation): void {
  const guard = (event: { preventDefault(): void; url?: string }, url?: string): void => {
    const target = event.url ?? url ?? '';
    if (!isAppUrl(target, loc)) event.preventDefault();
  };
  wc.on('will-navigate', guard);
  wc.on('will-redirect', guard);
  wc.setWindowOpenHandler(() => ({ action: 'deny' }));
  wc.on('will-attach-webview', (event) => event.preventDefault());
}

/** No permission is ever granted (camera, notifications, clipboard-read, …); the app's own files get the CSP header. */
export function hardenSession(ses: Session, loc: AppLocation): void {
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  const policy = loc.devUrl ? devContentSecurityPolicy(loc.devUrl) : CONTENT_SECURITY_POLICY;
  ses.webRequest.onHeadersReceived((details, callback) => {
    if (!isAppResource(details.url, loc)) {
      callback({});
      return;
    }
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      // Replace, never merge with, a policy the dev server might send.
      if (name.toLowerCase() !== 'content-security-policy') headers[name] = value;
    }
    headers['Content-Security-Policy'] = [policy];
    callback({ responseHeaders: headers });
  });
}
