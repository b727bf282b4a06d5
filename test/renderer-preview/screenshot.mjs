// PREVIEW ONLY: serve the preview build and screenshot it in light and dark with chromium.
// usage: node test/renderer-preview/screenshot.mjs [outDir] [query]
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const root = resolve('test-artifacts/preview');
const out = resolve(process.argv[2] ?? 'test-artifacts/shots');
const query = process.argv[3] ?? '';
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
const server = createServer(async (req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  try {
    const body = await readFile(join(root, path === '/' ? 'index.html' : path));
    res.writeHead(200, { 'content-type': types[extname(path) || '.html'] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
}).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const url = `http://127.0.0.1:${server.address().port}/${query}`;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const errors = [];
for (const scheme of ['light', 'dark']) {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: scheme });
  page.on('console', (m) => m.type() === 'error' && errors.push(`${scheme}: ${m.text()}`));
  page.on('pageerror', (e) => errors.push(`${scheme}: ${e.message}`));
  await page.goto(url);
  await page.waitForTimeout(2500);
  await page.screenshot({ path: join(out, `${scheme}.png`) });
  if (scheme === 'light') {
    await page.getByRole('button', { name: 'Kill', exact: true }).click();
    await page.screenshot({ path: join(out, 'kill-menu.png'), clip: { x: 1040, y: 30, width: 400, height: 260 } });
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Throttle' }).click();
    await page.getByRole('button', { name: '3G' }).click();
    await page.screenshot({ path: join(out, 'throttle.png') });
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('form', { name: 'Connect to' }).getByLabel('Port', { exact: true }).fill('70000');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByRole('checkbox', { name: 'Chart steady' }).uncheck();
    await page.getByRole('checkbox', { name: 'Chart laggy' }).uncheck();
    await page.waitForTimeout(1200);
    await page.screenshot({ path: join(out, 'single.png') });
    console.log('alert:', await page.getByRole('alert').allTextContents());
  }
  await page.close();
}
{
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  await page.goto(url + '?browser&token=t0k');
  await page.waitForTimeout(1500);
  await page.screenshot({ path: join(out, 'browser-disconnected.png') });
  console.log('url after token strip:', page.url(), 'status:', await page.getByTestId('connection-status').textContent());
  await page.close();
}
console.log(errors.length ? errors.join('\n') : 'no console errors');
await browser.close();
server.close();
