import { afterEach, describe, expect, it } from 'vitest';
import { WebMetrics } from '../../../electron/headless/web/metrics';
import { parsePromText, samplesNamed } from '../../helpers/prom-text';
import { FakeMonitor, emptyBatch, fakePeer } from './fake-monitor';

let metrics: WebMetrics | undefined;
afterEach(() => metrics?.close());

describe('WebMetrics', () => {
  it('exposes valid Prometheus text with per-peer series and default metrics', async () => {
    const monitor = new FakeMonitor();
    monitor.peers = [fakePeer('p1', { name: 'steady' }), fakePeer('p2', { name: 'flaky', state: 'reconnecting' })];
    monitor.peers[1].stats.reconnects = 3;
    metrics = new WebMetrics(monitor);
    monitor.emit(
      emptyBatch(1, {
        samples: { p1: [[1, 0.5], [2, 3], [3, 20000]] },
        events: [
          { seq: 1, t: 1, type: 'closed', peer: 'p2', reason: 'heartbeat-timeout' },
          { seq: 2, t: 2, type: 'closed', peer: 'p2', reason: 'peer-closed' },
        ],
      }),
    );
    const text = await metrics.text();
    const p = parsePromText(text);
    expect(p.types.get('heartwire_rtt_seconds')).toBe('histogram');
    expect(p.types.get('heartwire_peer_up')).toBe('gauge');
    expect(p.types.get('heartwire_heartbeat_timeouts_total')).toBe('counter');
    expect(p.types.get('heartwire_reconnects_total')).toBe('counter');
    expect(p.types.has('process_cpu_user_seconds_total')).toBe(true);

    const p1 = { peer: 'p1', name: 'steady' };
    expect(samplesNamed(p, 'heartwire_rtt_seconds_count', p1)[0].value).toBe(3);
    expect(samplesNamed(p, 'heartwire_rtt_seconds_sum', p1)[0].value).toBeCloseTo(20.0035, 6);
    expect(samplesNamed(p, 'heartwire_rtt_seconds_bucket', { ...p1, le: '0.001' })[0].value).toBe(1);
    expect(samplesNamed(p, 'heartwire_rtt_seconds_bucket', { ...p1, le: '0.005' })[0].value).toBe(2);
    expect(samplesNamed(p, 'heartwire_rtt_seconds_bucket', { ...p1, le: '10' })[0].value).toBe(2);
    expect(samplesNamed(p, 'heartwire_rtt_seconds_bucket', { ...p1, le: '+Inf' })[0].value).toBe(3);
    const les = samplesNamed(p, 'heartwire_rtt_seconds_bucket', p1).map((s) => s.labels.le);
    expect(les[0]).toBe('0.0001');

    expect(samplesNamed(p, 'heartwire_peer_up', p1)[0].value).toBe(1);
    expect(samplesNamed(p, 'heartwire_peer_up', { peer: 'p2' })[0].value).toBe(0);
    expect(samplesNamed(p, 'heartwire_peer_state', { peer: 'p2', state: 'reconnecting' })[0].value).toBe(1);
    expect(samplesNamed(p, 'heartwire_peer_state', { peer: 'p2', state: 'connected' })[0].value).toBe(0);
    expect(samplesNamed(p, 'heartwire_heartbeat_timeouts_total', { peer: 'p2' })[0].value).toBe(1);
    expect(samplesNamed(p, 'heartwire_heartbeat_timeouts_total', p1)[0].value).toBe(0);
    expect(samplesNamed(p, 'heartwire_reconnects_total', { peer: 'p2' })[0].value).toBe(3);
    expect(samplesNamed(p, 'heartwire_bytes_received_total', p1)[0].value).toBe(100);
    expect(samplesNamed(p, 'heartwire_bytes_sent_total', p1)[0].value).toBe(200);
  });

  it('removes the series of removed peers', async () => {
    const monitor = new FakeMonitor();
    monitor.peers = [fakePeer('p1'), fakePeer('p2')];
    metrics = new WebMetrics(monitor);
    monitor.emit(emptyBatch(1, { samples: { p1: [[1, 1]], p2: [[1, 1]] } }));
    let p = parsePromText(await metrics.text());
    expect(samplesNamed(p, 'heartwire_rtt_seconds_count', { peer: 'p2' })).toHaveLength(1);

    monitor.peers = [monitor.peers[0]];
    monitor.emit(emptyBatch(2, { removedPeers: ['p2'] }));
    p = parsePromText(await metrics.text());
    const withP2 = p.samples.filter((s) => s.labels.peer === 'p2');
    expect(withP2).toEqual([]);
    expect(samplesNamed(p, 'heartwire_rtt_seconds_count', { peer: 'p1' })[0].value).toBe(1);
  });

  it('drops old-name series when an inbound peer learns its name', async () => {
    const monitor = new FakeMonitor();
    monitor.peers = [fakePeer('in1', { name: '' })];
    metrics = new WebMetrics(monitor);
    monitor.emit(emptyBatch(1, { samples: { in1: [[1, 1]] } }));
    monitor.peers = [fakePeer('in1', { name: 'remote' })];
    monitor.emit(emptyBatch(2, { peers: monitor.peers, samples: { in1: [[2, 1]] } }));
    const p = parsePromText(await metrics.text());
    const counts = samplesNamed(p, 'heartwire_rtt_seconds_count', { peer: 'in1' });
    expect(counts).toEqual([{ name: 'heartwire_rtt_seconds_count', labels: { peer: 'in1', name: 'remote' }, value: 1 }]);
  });

  it('uses its own registry and unsubscribes on close', async () => {
    const monitor = new FakeMonitor();
    const a = new WebMetrics(monitor);
    const b = new WebMetrics(monitor);
    expect(a.registry).not.toBe(b.registry);
    expect(monitor.listenerCount).toBe(2);
    a.close();
    b.close();
    expect(monitor.listenerCount).toBe(0);
  });
});

describe('prom-text checker', () => {
  it('rejects malformed exposition', () => {
    expect(() => parsePromText('x 1')).toThrow(/newline/);
    expect(() => parsePromText('x 1\n')).toThrow(/TYPE/);
    expect(() => parsePromText('# TYPE x gauge\nx{a="1} 1\n')).toThrow();
    expect(() => parsePromText('# TYPE x gauge\nx abc\n')).toThrow(/value/);
    expect(() =>
      parsePromText('# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\nh_sum 1\n'),
    ).toThrow(/cumulative/);
    expect(parsePromText('# HELP x a\n# TYPE x gauge\nx{a="q\\"\\n"} -1.5e3\n').samples[0]).toEqual({
      name: 'x',
      labels: { a: 'q"\n' },
      value: -1500,
    });
  });
});

describe('WebMetrics with monitor.metrics', () => {
  it('exports closes by reason when the monitor offers them', async () => {
    const monitor = Object.assign(new FakeMonitor(), {
      metrics: { closesByReason: { 'heartbeat-timeout': 2, 'error:ECONNREFUSED': 5 } },
    });
    const m = new WebMetrics(monitor);
    try {
      const p = parsePromText(await m.text());
      expect(p.types.get('heartwire_closes_total')).toBe('counter');
      expect(samplesNamed(p, 'heartwire_closes_total', { reason: 'error:ECONNREFUSED' })[0].value).toBe(5);
      expect(samplesNamed(p, 'heartwire_closes_total', { reason: 'heartbeat-timeout' })[0].value).toBe(2);
    } finally {
      m.close();
    }
  });
});
