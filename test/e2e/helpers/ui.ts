// Locators and readers for the Heartwire page, by accessible role and name.
import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';

/** The peer table's row whose name button is exactly `name`. */
export function peerRow(page: Page, name: string): Locator {
  return page.getByRole('row').filter({ has: page.getByRole('button', { name, exact: true }) });
}

/** One cell of a peer row, the column found by its header ("Last", "p50", "State"…). */
export async function peerCell(page: Page, name: string, column: string): Promise<Locator> {
  const headers = await page.getByRole('table', { name: 'Peers' }).getByRole('columnheader').allInnerTexts();
  const i = headers.findIndex((h) => h.trim() === column);
  if (i < 0) throw new Error(`no column "${column}" in ${JSON.stringify(headers)}`);
  return peerRow(page, name).getByRole('cell').nth(i);
}

/** Text of one cell of a peer row (see peerCell). */
export async function cellText(page: Page, name: string, column: string): Promise<string> {
  const cell = await peerCell(page, name, column);
  // Live columns are drawn on a canvas; their cells carry the drawn text as their name.
  const label = await cell.getAttribute('aria-label', { timeout: 2_000 });
  return (label ?? (await cell.innerText({ timeout: 2_000 }))).trim();
}

/** A number column ("Last", "p50", "Reconn"…); NaN while it shows "–". */
export async function cellNumber(page: Page, name: string, column: string): Promise<number> {
  const t = await cellText(page, name, column);
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : NaN;
}

export function controls(page: Page): Locator {
  return page.getByRole('region', { name: 'Peer controls' });
}

/** Makes `name` the active peer (controls act on it) and waits until they show it. */
export async function activate(page: Page, name: string): Promise<void> {
  await peerRow(page, name).getByRole('button', { name, exact: true }).click();
  await controls(page).getByRole('heading', { name, exact: true }).waitFor({ timeout: 2_000 });
}

/**
 * The inbound twin of the active outbound peer: our server lists the accepted socket as
 * "in:<client ip:port>", which is the outbound peer's local address shown under "Link".
 */
export async function activeTwinName(page: Page): Promise<string> {
  const link = await controls(page).locator('dt:text-is("Link") + dd').innerText();
  const local = link.split(/\s+/)[0];
  if (!/^127\.0\.0\.1:\d+$/.test(local)) throw new Error(`unexpected link text: ${link}`);
  return `in:${local}`;
}

export function eventList(page: Page): Locator {
  return page.getByRole('list', { name: 'Events, newest first' });
}

export interface LogLine {
  who: string;
  type: string;
  detail: string;
  text: string;
}

/**
 * The event log as shown, newest first: a live log's rows are drawn on a canvas and carry
 * what is drawn as data-* and their name; a paused log's rows are text.
 */
export function logLines(page: Page): Promise<LogLine[]> {
  return eventList(page)
    .getByRole('listitem')
    .evaluateAll((items) =>
      items.map((li) =>
        li instanceof HTMLElement && li.dataset.type !== undefined
          ? { who: li.dataset.who ?? '', type: li.dataset.type, detail: li.dataset.detail ?? '', text: li.getAttribute('aria-label') ?? '' }
          : {
              who: li.querySelector('.ev-who')?.textContent?.trim() ?? '',
              type: li.querySelector('.ev-type')?.textContent?.trim() ?? '',
              detail: (li.querySelector('.ev-detail')?.textContent ?? '').replace(/^\s*—\s*/, '').trim(),
              // its columns, a space apart (as the live row's name has them)
              text: [...li.children].map((c) => (c.textContent ?? '').replace(/\s+/g, ' ').trim()).join(' '),
            },
      ),
    );
}

/** Index (0 = newest) of the newest log line matching, or -1. */
export function findLine(lines: LogLine[], who: string, type: string, detail?: RegExp): number {
  return lines.findIndex((l) => l.who === who && l.type === type && (!detail || detail.test(l.detail)));
}

/**
 * expect.poll with a timeout fit for a loaded machine (vitest's default is 1 s). The page
 * updates the table at most every 250 ms, so polling faster than 100 ms gains nothing.
 */
export function poll<T>(fn: () => Promise<T> | T, timeout = 3_000) {
  return expect.poll(fn, { timeout, interval: 100 });
}

export const serverForm = (page: Page): Locator => page.getByRole('form', { name: 'Start server' });
export const connectForm = (page: Page): Locator => page.getByRole('form', { name: 'Connect to' });
export const serverList = (page: Page): Locator => page.getByRole('list', { name: 'Servers' });

/** host:port of every listed server. */
export function serverAddresses(page: Page): Promise<string[]> {
  return serverList(page).locator('.addr').allInnerTexts();
}

/** Starts a server on port 0 through the Servers panel; returns the port it shows. */
export async function startServerViaUi(page: Page, timing: { interval: number; timeout: number }): Promise<number> {
  const before = new Set(await serverAddresses(page));
  const form = serverForm(page);
  await form.getByLabel('Server port', { exact: true }).fill('0');
  await form.getByLabel('Server interval (ms)', { exact: true }).fill(String(timing.interval));
  await form.getByLabel('Server timeout (ms)', { exact: true }).fill(String(timing.timeout));
  await form.getByRole('button', { name: 'Start server', exact: true }).click();
  await poll(async () => (await serverAddresses(page)).filter((a) => !before.has(a))).toHaveLength(1);
  const added = (await serverAddresses(page)).find((a) => !before.has(a)) ?? '';
  const port = Number(/^127\.0\.0\.1:(\d+)$/.exec(added)?.[1]);
  if (!(port > 0)) throw new Error(`new server shows no real port: "${added}"`);
  return port;
}

/** Adds an outbound peer through "Connect to…" (it becomes the active peer). */
export async function connectViaUi(page: Page, a: { port: number; name: string; interval: number; timeout: number }): Promise<void> {
  const form = connectForm(page);
  await form.getByLabel('Host', { exact: true }).fill('127.0.0.1');
  await form.getByLabel('Port', { exact: true }).fill(String(a.port));
  await form.getByLabel('Name', { exact: true }).fill(a.name);
  await form.getByLabel('Interval (ms)', { exact: true }).fill(String(a.interval));
  await form.getByLabel('Timeout (ms)', { exact: true }).fill(String(a.timeout));
  await form.getByRole('button', { name: 'Connect', exact: true }).click();
}
