// Debian's Chromium driven by playwright-core (never a downloaded browser). playwright
// gives every non-persistent launch a fresh temporary profile and deletes it on close.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT } from './build';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = join(ROOT, 'test-artifacts/e2e');

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true, timeout: 30_000 });
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}

/** After a failed test: a screenshot of the page and the host's recent output, for CI logs. */
export async function recordFailure(page: Page | undefined, testName: string, hostOutput: string): Promise<void> {
  const file = artifactPath(`failed-${testName.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`);
  await page?.screenshot({ path: file, timeout: 5_000 }).catch(() => undefined);
  console.error(`[e2e] "${testName}" failed; screenshot ${file}; heartwire web output:\n${hostOutput}`);
}
