// Throttle: latency ± jitter, bandwidth and direction, with named link presets. The new
// values are merged into the peer's current faults (setFaults replaces the set).
import { useId, useState, type FormEvent } from 'react';
import type { Direction, PeerInfo } from '../../../shared/contract';
import { useServices } from '../context';
import { applyThrottle } from '../lib/faults';
import { checkNumber, checkProbability, checkRate, errorText } from '../lib/form-checks';
import { fmtRate } from '../lib/format';
import { THROTTLE_PRESETS, type ThrottlePreset } from '../lib/presets';
import { toCommandFailure } from '../transport/to-failure';
import { ApplyCancel, FormError, Modal } from './modal';

export function ThrottleDialog({ peer, onClose }: { peer: PeerInfo; onClose(): void }) {
  const { transport, store } = useServices();
  const f = peer.faults;
  const [latency, setLatency] = useState(String(f.latency?.ms ?? 0));
  const [jitter, setJitter] = useState(String(f.latency?.jitterMs ?? 0));
  const [bandwidth, setBandwidth] = useState(f.bandwidth ? String(f.bandwidth.bytesPerSec) : '');
  const [direction, setDirection] = useState<Direction>(f.latency?.direction ?? f.bandwidth?.direction ?? 'both');
  const [drop, setDrop] = useState(String(f.dropHeartbeats?.probability ?? 0));
  const [preset, setPreset] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  const pickPreset = (p: ThrottlePreset) => {
    setLatency(String(p.latencyMs));
    setJitter(String(p.jitterMs));
    setBandwidth(p.bytesPerSec === null ? '' : String(p.bytesPerSec));
    setDirection(p.direction);
    setDrop(String(p.dropProbability));
    setPreset(p.name);
    setError(null);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const l = checkNumber(latency, 'faults.latency.ms', 'Latency', 0, 60_000);
    const j = checkNumber(jitter, 'faults.latency.jitterMs', 'Jitter', 0, 60_000);
    const b = checkRate(bandwidth, 'faults.bandwidth.bytesPerSec', 'Bandwidth');
    const d = checkProbability(drop.trim() === '' ? '0' : drop, 'faults.dropHeartbeats.probability', 'Drop probability');
    for (const c of [l, j, b, d]) {
      if (!c.ok) {
        setError(c.message);
        return;
      }
    }
    if (!l.ok || !j.ok || !b.ok || !d.ok) return;
    const current = store.getState().peers[peer.id]?.faults ?? peer.faults;
    const faults = applyThrottle(current, { latencyMs: l.value, jitterMs: j.value, bytesPerSec: b.value, direction, dropProbability: d.value });
    setBusy(true);
    try {
      const updated = await transport.call('setFaults', { id: peer.id, faults });
      store.getState().upsertPeer(updated);
      onClose();
    } catch (err) {
      const fail = toCommandFailure(err);
      setError(errorText(fail.field, fail.message));
    } finally {
      setBusy(false);
    }
  };

  const rate = Number(bandwidth);
  return (
    <Modal title={`Throttle ${peer.name}`} onClose={onClose} className="throttle-dialog">
      <form onSubmit={submit} aria-label="Throttle" noValidate>
        <div className="presets" role="group" aria-label="Presets">
          {THROTTLE_PRESETS.map((p) => (
            <button
              key={p.name}
              type="button"
              className={`chip${preset === p.name ? ' on' : ''}`}
              aria-pressed={preset === p.name}
              title={`${p.latencyMs} ms ± ${p.jitterMs}${p.bytesPerSec ? `, ${fmtRate(p.bytesPerSec)}` : ''}${p.dropProbability ? `, drop ${p.dropProbability * 100}% beats` : ''}`}
              onClick={() => pickPreset(p)}
            >
              {p.name}
            </button>
          ))}
        </div>
        <div className="form-grid">
          <label>
            Latency (ms)
            <input inputMode="numeric" value={latency} onChange={(e) => setLatency(e.target.value)} />
          </label>
          <label>
            Jitter (ms)
            <input inputMode="numeric" value={jitter} onChange={(e) => setJitter(e.target.value)} />
          </label>
          {/* Hints sit outside the <label> (aria-describedby), so the accessible names are the labels alone. */}
          <div className="field">
            <label htmlFor={`${id}-bw`}>Bandwidth (bytes/s)</label>
            <input
              id={`${id}-bw`}
              inputMode="numeric"
              placeholder="unlimited"
              aria-describedby={`${id}-bw-hint`}
              value={bandwidth}
              onChange={(e) => setBandwidth(e.target.value)}
            />
            <span id={`${id}-bw-hint`} className="hint">
              {bandwidth.trim() && Number.isFinite(rate) && rate > 0 ? `= ${fmtRate(rate)}` : 'blank = unlimited'}
            </span>
          </div>
          <div className="field">
            {/* Not wrapping the <select>: its option texts would join the accessible name. */}
            <label htmlFor={`${id}-dir`}>Direction</label>
            <select id={`${id}-dir`} value={direction} onChange={(e) => setDirection(e.target.value as Direction)}>
              <option value="both">both</option>
              <option value="in">in</option>
              <option value="out">out</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-drop`}>Heartbeat drop probability</label>
            <input id={`${id}-drop`} inputMode="decimal" aria-describedby={`${id}-drop-hint`} value={drop} onChange={(e) => setDrop(e.target.value)} />
            <span id={`${id}-drop-hint`} className="hint">
              0–1, e.g. 0.1 = 10 %
            </span>
          </div>
        </div>
        <FormError error={error} />
        <ApplyCancel onCancel={onClose} busy={busy} />
      </form>
    </Modal>
  );
}
