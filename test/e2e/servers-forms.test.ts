// End to end against the real `heartwire web` CLI in Debian's Chromium: the Servers panel
// starts a second server that "Connect to…" reaches, and the forms report bad input and
// server-side errors next to the field (issue 4, criteria 6 and 7).
import { beforeEach, describe, expect, it } from 'vitest';
import { useE2eSession } from './helpers/session';
import {
  activeTwinName,
  cellNumber,
  cellText,
  connectForm,
  connectViaUi,
  controls,
  peerRow,
  poll,
  serverAddresses,
  serverForm,
  serverList,
  startServerViaUi,
} from './helpers/ui';

const e2e = useE2eSession();

beforeEach(async () => {
  await e2e.page.goto(e2e.host.url);
  // The demo server is listed once the first snapshot arrived.
  await serverList(e2e.page).getByRole('listitem').first().waitFor({ timeout: 5_000 });
});

async function restServerCount(): Promise<number> {
  const state = (await (await e2e.host.api('/api/state')).json()) as { servers: unknown[] };
  return state.servers.length;
}

describe('servers panel and Connect to… (heartwire web in Chromium)', () => {
  it('starts a second server on port 0, shows its real port, and Connect to… reaches it', async () => {
    const demo = `127.0.0.1:${e2e.host.demoPort}`;
    expect(await serverAddresses(e2e.page)).toEqual([demo]);

    const port = await startServerViaUi(e2e.page, { interval: 100, timeout: 1000 });
    expect(port).not.toBe(e2e.host.demoPort);
    expect(await serverAddresses(e2e.page)).toEqual([demo, `127.0.0.1:${port}`]);
    expect(await serverForm(e2e.page).getByRole('alert').count()).toBe(0);
    const item = serverList(e2e.page).getByRole('listitem').filter({ hasText: `127.0.0.1:${port}` });
    expect(await item.innerText()).toMatch(/framed · 100\/1000 ms fixed · 0 conns/);
    // The host agrees (REST sees the same server).
    const state = (await (await e2e.host.api('/api/state')).json()) as { servers: { port: number }[] };
    expect(state.servers.map((s) => s.port)).toContain(port);

    await connectViaUi(e2e.page, { port, name: 'e2e-client', interval: 100, timeout: 1000 });
    // The new outbound peer connects, becomes the active peer and measures RTT …
    await poll(() => cellText(e2e.page, 'e2e-client', 'State'), 5_000).toBe('connected');
    expect(await cellText(e2e.page, 'e2e-client', 'Dir')).toBe('out');
    expect(await cellText(e2e.page, 'e2e-client', 'Remote')).toBe(`127.0.0.1:${port}`);
    await controls(e2e.page).getByRole('heading', { name: 'e2e-client', exact: true }).waitFor();
    await poll(() => cellNumber(e2e.page, 'e2e-client', 'Last')).toBeGreaterThan(0);
    // … and the new server accepted it: its inbound twin is listed, connected and pinging.
    const twin = await activeTwinName(e2e.page);
    await poll(() => cellText(e2e.page, twin, 'State')).toBe('connected');
    expect(await cellText(e2e.page, twin, 'Dir')).toBe('in');
    await poll(() => cellNumber(e2e.page, twin, 'Last')).toBeGreaterThan(0);
    await poll(() => item.innerText()).toMatch(/· 1 conn(?!s)/);
  });

  it('names the field of an invalid port, in Connect to… and in Start server', async () => {
    const serversBefore = await restServerCount();
    const cf = connectForm(e2e.page);
    const cfPort = cf.getByLabel('Port', { exact: true });
    await cfPort.fill('70000');
    await cf.getByRole('button', { name: 'Connect', exact: true }).click();
    await poll(() => cf.getByRole('alert').innerText()).toMatch(/Port.*70000/);
    expect(await cfPort.getAttribute('aria-invalid')).toBe('true');

    const sf = serverForm(e2e.page);
    const sfPort = sf.getByLabel('Server port', { exact: true });
    await sfPort.fill('abc');
    await sf.getByRole('button', { name: 'Start server', exact: true }).click();
    await poll(() => sf.getByRole('alert').innerText()).toMatch(/Port.*"abc"/);
    expect(await sfPort.getAttribute('aria-invalid')).toBe('true');

    await sfPort.fill('70000');
    await sf.getByRole('button', { name: 'Start server', exact: true }).click();
    await poll(() => sf.getByRole('alert').innerText()).toMatch(/Port.*70000/);

    // The rejected submissions created nothing.
    expect(await restServerCount()).toBe(serversBefore);
    expect(await peerRow(e2e.page, '127.0.0.1:70000').count()).toBe(0);
  });

  it('shows the host’s "port in use" conflict from Start server', async () => {
    const inUse = e2e.host.demoPort!;
    // The same request over REST is a 409 conflict; the form must show that error.
    const rest = await e2e.host.api('/api/servers', { method: 'POST', body: JSON.stringify({ port: inUse }) });
    expect(rest.status).toBe(409);
    const before = await serverAddresses(e2e.page);

    const sf = serverForm(e2e.page);
    await sf.getByLabel('Server port', { exact: true }).fill(String(inUse));
    await sf.getByRole('button', { name: 'Start server', exact: true }).click();
    await poll(() => sf.getByRole('alert').innerText()).toMatch(new RegExp(`port ${inUse}.*in use`, 'i'));
    expect(await serverAddresses(e2e.page)).toEqual(before);
  });
});
