// The per-file setup every e2e suite shares: one `heartwire web` host (with the demo) and
// one Chromium for the file, a fresh 1400×900 page per test, and on failure a screenshot
// plus the host's output. The returned object's fields are set by the hooks.
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { ensureRendererBuilt } from './build';
import { launchChromium, recordFailure } from './browser';
import { spawnWebHost, type SpawnedHost } from './host';

export interface E2eSession {
  host: SpawnedHost;
  page: Page;
}

export function useE2eSession(contextOptions: BrowserContextOptions = {}): E2eSession {
  const s = {} as E2eSession;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    // The host reads out/renderer per request, so it and Chromium can start during a build.
    const [host, b] = await Promise.all([spawnWebHost(), launchChromium(), ensureRendererBuilt()]);
    s.host = host;
    browser = b;
  });

  afterAll(async () => {
    await browser?.close();
    await s.host?.stop();
  });

  beforeEach(async () => {
    context = await (browser as Browser).newContext({ viewport: { width: 1400, height: 900 }, ...contextOptions });
    // Bounded: a missing element fails the test with a message long before vitest's timeout.
    context.setDefaultTimeout(5_000);
    s.page = await context.newPage();
  });

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') await recordFailure(s.page, task.name, s.host.output());
    await context?.close();
  });

  return s;
}
