// Where the app's own renderer lives, and the one test of "is this URL ours?" shared by
// navigation guards, the CSP hook and the IPC sender check (no electron import: pure Node).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface AppLocation {
  /** absolute path of the built preload script (out/preload/index.cjs) */
  preloadFile: string;
  /** absolute path of the built renderer page (out/renderer/index.html) */
  rendererFile: string;
  /** dev server URL from `electron-vite dev` (ELECTRON_RENDERER_URL); unset in production */
  devUrl?: string;
}

/** `appPath` is `app.getAppPath()`: the folder (or app.asar) holding package.json and out/. */
export function resolveAppLocation(appPath: string, env: NodeJS.ProcessEnv = process.env): AppLocation {
  const loc: AppLocation = {
    preloadFile: join(appPath, 'out', 'preload', 'index.cjs'),
    rendererFile: join(appPath, 'out', 'renderer', 'index.html'),
  };
  // Only honour the dev server for an unpackaged run; a packaged app must never load remote code.
  const dev = env.ELECTRON_RENDERER_URL;
  if (dev && !appPath.includes('app.asar') && isLoopbackHttp(dev)) loc.devUrl = dev;
  return loc;
}

function isLoopbackHttp(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
  } catch {
    return false;
  }
}

/** The page itself: exactly the renderer's index.html (any query or hash), or the dev server's origin. */
export function isAppUrl(url: string, loc: AppLocation): boolean {
  return appFileHref(url, loc, (href) => href === pathToFileURL(loc.rendererFile).href);
}

/** Any file the app serves to its window: under the renderer folder (file://), or from the dev server. */
export function isAppResource(url: string, loc: AppLocation): boolean {
  const dir = pathToFileURL(join(loc.rendererFile, '..')).href + '/';
  return appFileHref(url, loc, (href) => href.startsWith(dir));
}

/** In dev: whether `url` is on the dev server's origin. Packaged: `accept` on its file:// href without query/hash. */
function appFileHref(url: string, loc: AppLocation, accept: (href: string) => boolean): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (loc.devUrl) return u.origin === new URL(loc.devUrl).origin;
  return u.protocol === 'file:' && accept(stripQueryAndHash(u));
}

function stripQueryAndHash(u: URL): string {
  return `${u.protocol}//${u.host}${u.pathname}`;
}
