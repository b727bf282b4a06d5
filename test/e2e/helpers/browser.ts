// Browser helpers for the e2e suite: the shared Chromium launcher, artifacts, failure records.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from './build';

export { CHROMIUM, launchChromium } from '../../helpers/chromium';

export const ARTIFACTS = join(ROOT, 'test-artifacts/e2e');

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
