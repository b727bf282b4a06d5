// The UI benchmark's baseline (test/bench/ui/reference-page.ts) must show the data it is fed,
// or its figure would be the cost of an empty page. Loaded in Debian's Chromium the way the
// benchmark loads it: the fake window.heartwire, its page served from a directory of its own.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium';
import { referenceHtml } from '../bench/ui/driver';
import { installFakeHeartwire, type BenchHooks, type FakeConfig } from '../bench/ui/fake-heartwire';
import { startStaticServer, type StaticServer } from '../bench/ui/static-server';
import { SLOTS } from '../../renderer/src/hooks/use-throttled';

const FAKE: FakeConfig = { peers: 20, history: 100, batchMs: 100, eventsPerBatch: 3, snapshotEvents: 50, seed: 7 };

describe('UI benchmark reference page', () => {
  let dir: string;
  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heartwire-ref-test-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
    const ref = { rows: 5, logRows: 4, charted: 2, chartW: 600, chartH: 200, history: FAKE.history, windowMs: 60_000, slots: SLOTS };
    writeFileSync(join(dir, 'ref.html'), referenceHtml({ ...ref, text: 'dom' }));
    writeFileSync(join(dir, 'ref-canvas.html'), referenceHtml({ ...ref, text: 'canvas' }));
    server = await startStaticServer(dir);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript({ content: `var __name = (f) => f;\n(${installFakeHeartwire.toString()})(${JSON.stringify(FAKE)});` });
    await page.goto(server.url + 'ref.html');
    await page.waitForFunction(() => document.body.dataset.ready === 'yes', undefined, { timeout: 10_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the first peers, the newest events and the status, and follows the batches', async () => {
    expect(await page.locator('.peer-row').count()).toBe(5);
    const first = page.locator('.peer-row').first();
    await expect.poll(() => first.innerText()).toMatch(/^peer-000\s*connected/);
    const before = await first.innerText();
    const lastRtt = async () => (await page.evaluate(() => (window as unknown as BenchHooks).__benchInfo().lastRtt['p-000'])) ?? NaN;
    // A second of batches: the table refreshes on its 500 ms slot with the pushed figures.
    for (let i = 0; i < 10; i++) {
      await page.evaluate(() => (window as unknown as BenchHooks).__benchPush());
      await new Promise((r) => setTimeout(r, 100));
    }
    const rtt = await lastRtt();
    await expect.poll(() => first.innerText(), { timeout: 2_000 }).not.toBe(before);
    // The last RTT cell (after name, state and strip) shows the newest sample (2 decimals
    // below 10 ms, 1 below 100).
    const shown = rtt < 10 ? rtt.toFixed(2) : rtt < 100 ? rtt.toFixed(1) : String(Math.round(rtt));
    await expect.poll(() => first.locator(':scope > span').nth(3).innerText(), { timeout: 2_000 }).toBe(shown);
    const log = await page.locator('ol li').allInnerTexts();
    expect(log).toHaveLength(4);
    expect(log[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3}\s*peer-\d{3}\s*\S+/);
    expect(await page.locator('body').innerText()).toMatch(/\d+ up\s*\d+ down\s*[\d.]+ beats\/s\s*loop lag [\d.]+ ms/);
    // The chart drew lines: some pixel of the plot is not blank.
    const inked = await page.evaluate(() => {
      const c = document.querySelector('canvas') as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(60, 10, c.width - 70, c.height - 40).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    });
    expect(inked).toBeGreaterThan(100);
    expect(errors).toEqual([]);
  });

  it('with canvas text, draws the table, the log and the status bar on canvases over the same boxes', async () => {
    const p = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errs: string[] = [];
    p.on('pageerror', (e) => errs.push(e.message));
    await p.addInitScript({ content: `var __name = (f) => f;\n(${installFakeHeartwire.toString()})(${JSON.stringify(FAKE)});` });
    await p.goto(server.url + 'ref-canvas.html');
    await p.waitForFunction(() => document.body.dataset.ready === 'yes', undefined, { timeout: 10_000 });
    const ink = () =>
      p.evaluate(() =>
        [...document.querySelectorAll('canvas')].slice(1).map((c) => {
          const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
          return n;
        }),
      );
    // table, log, status bar: each has text drawn; no figure is DOM text.
    const before = await ink();
    expect(before).toHaveLength(3);
    for (const n of before) expect(n).toBeGreaterThan(50);
    expect(await p.locator('.peer-row').first().innerText()).toMatch(/^\s*$/);
    const table = () => p.evaluate(() => document.querySelectorAll('canvas')[1].toDataURL());
    const t0 = await table();
    for (let i = 0; i < 10; i++) {
      await p.evaluate(() => (window as unknown as BenchHooks).__benchPush());
      await new Promise((r) => setTimeout(r, 100));
    }
    await expect.poll(table, { timeout: 2_000 }).not.toBe(t0);
    expect(errs).toEqual([]);
    await p.close();
  });
});
