// The app fed by the UI benchmark's fake window.heartwire (test/bench/ui/fake-heartwire.ts):
// its event log starts full and stays full, so a refresh brings new events without changing
// the number of rows — the case where the live log and the table's figures are drawn without
// a React render. Both must still follow the batches: drawn pixels, row names and cell names;
// and so must the status bar's drawn figures, which no render carries either.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium';
import { RENDERER_OUT, ensureRendererBuilt } from '../helpers/renderer-build';
import { installFakeHeartwire, type BenchHooks, type FakeConfig } from '../bench/ui/fake-heartwire';
import { startStaticServer, type StaticServer } from '../bench/ui/static-server';
import { logLines } from './helpers/ui';

const FAKE: FakeConfig = { peers: 20, history: 100, batchMs: 100, eventsPerBatch: 3, snapshotEvents: 60, seed: 11 };

describe('app fed at the log’s cap (fake API)', () => {
  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    await ensureRendererBuilt();
    server = await startStaticServer(RENDERER_OUT);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript({ content: `var __name = (f) => f;\n(${installFakeHeartwire.toString()})(${JSON.stringify(FAKE)});` });
    await page.goto(server.url);
    await page.waitForFunction(() => document.querySelectorAll('.peer-row').length > 0 && document.querySelectorAll('.event[aria-label]').length > 0, undefined, { timeout: 20_000 });
  }, 200_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const push = async (n: number) => {
    for (let i = 0; i < n; i++) {
      await page.evaluate(() => (window as unknown as BenchHooks).__benchPush());
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  // Until the log's slot has run since the last push: its timer is due at most one slot
  // (500 ms) after the batch, and the page runs timers in order of their due times.
  const settle = () =>
    page.evaluate(() => new Promise((r) => setTimeout(r, 600)).then(() => (window as unknown as BenchHooks).__benchFrames()));
  const canvasData = (sel: string) => page.evaluate((s) => (document.querySelector(s) as HTMLCanvasElement).toDataURL(), sel);

  it('keeps drawing and naming the newest events and figures while the row count stays', async () => {
    const rows = await page.locator('.event').count();
    const firstLog = await logLines(page);
    const log0 = await canvasData('.log-canvas');
    const fig0 = await canvasData('.fig-canvas');
    const label0 = await page.locator('.peer-row').first().locator('[data-fig]').first().getAttribute('aria-label');
    const lag = page.getByRole('img', { name: /^loop lag / });
    const lag0 = await lag.getAttribute('aria-label');
    await push(10);
    // The log's rows are the same elements showing newer events: drawn and named.
    await expect.poll(() => canvasData('.log-canvas'), { timeout: 2_000 }).not.toBe(log0);
    await expect.poll(async () => (await logLines(page))[0].text, { timeout: 2_000 }).not.toBe(firstLog[0].text);
    expect(await page.locator('.event').count()).toBe(rows);
    // Every row is named with its whole line.
    const lines = await logLines(page);
    expect(lines).toHaveLength(rows);
    for (const l of lines) expect(l.text).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ${l.who} ${l.type}`));
    // The table's figures follow too: pixels and the cells' names.
    await expect.poll(() => canvasData('.fig-canvas'), { timeout: 2_000 }).not.toBe(fig0);
    await expect.poll(() => page.locator('.peer-row').first().locator('[data-fig]').first().getAttribute('aria-label'), { timeout: 2_000 }).not.toBe(label0);
    // The status bar's drawn figures follow the health in the batches.
    await expect.poll(() => lag.getAttribute('aria-label'), { timeout: 2_000 }).not.toBe(lag0);
    expect(await lag.getAttribute('aria-label')).toMatch(/^loop lag \d+\.\d ms$/);
    // Pausing shows, as text, the lines that were drawn (once the drawing has caught up).
    await settle();
    const key = (l: { text: string; who: string; type: string }) => `${l.text.slice(0, 12)} ${l.who} ${l.type}`;
    const drawn = (await logLines(page)).map(key);
    await page.getByRole('button', { name: 'Pause log' }).click();
    expect((await logLines(page)).map(key)).toEqual(drawn);
    await page.getByRole('button', { name: 'Resume log' }).click();
    expect(errors).toEqual([]);
  });
});
