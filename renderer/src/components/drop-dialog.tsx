// Drop heartbeats: received PINGs/PONGs are discarded with this probability.
import { useId, useState, type FormEvent } from 'react';
import type { PeerInfo } from '../../../shared/contract';
import { useServices } from '../context';
import { withDropProbability } from '../lib/faults';
import { checkProbability, errorText } from '../lib/form-checks';
import { toCommandFailure } from '../transport/to-failure';
import { ApplyCancel, FormError, Modal } from './modal';

export function DropDialog({ peer, onClose }: { peer: PeerInfo; onClose(): void }) {
  const { transport, store } = useServices();
  const [value, setValue] = useState(String(peer.faults.dropHeartbeats?.probability ?? 0.2));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const c = checkProbability(value, 'faults.dropHeartbeats.probability', 'Drop probability');
    if (!c.ok) {
      setError(c.message);
      return;
    }
    const current = store.getState().peers[peer.id]?.faults ?? peer.faults;
    setBusy(true);
    try {
      store.getState().upsertPeer(await transport.call('setFaults', { id: peer.id, faults: withDropProbability(current, c.value) }));
      onClose();
    } catch (err) {
      const f = toCommandFailure(err);
      setError(errorText(f.field, f.message));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal title={`Drop heartbeats — ${peer.name}`} onClose={onClose}>
      <form onSubmit={submit} aria-label="Drop heartbeats" noValidate>
        <div className="form-grid one">
          {/* The hint is a description, not part of the field's accessible name. */}
          <div className="field">
            <label htmlFor={`${id}-p`}>Drop probability (0–1)</label>
            <input id={`${id}-p`} inputMode="decimal" aria-describedby={`${id}-hint`} value={value} onChange={(e) => setValue(e.target.value)} autoFocus />
            <span id={`${id}-hint`} className="hint">
              Received PINGs/PONGs are dropped with this probability; 0 stops dropping.
            </span>
          </div>
        </div>
        <FormError error={error} />
        <ApplyCancel onCancel={onClose} busy={busy} />
      </form>
    </Modal>
  );
}
