// Drop heartbeats: received PINGs/PONGs are discarded with this probability.
import { useState, type FormEvent } from 'react';
import type { PeerInfo } from '../../../shared/contract';
import { useServices } from '../context';
import { withDropProbability } from '../lib/faults';
import { checkProbability, errorText } from '../lib/form-checks';
import { toCommandFailure } from '../transport/to-failure';
import { FormError, Modal } from './modal';

export function DropDialog({ peer, onClose }: { peer: PeerInfo; onClose(): void }) {
  const { transport, store } = useServices();
  const [value, setValue] = useState(String(peer.faults.dropHeartbeats?.probability ?? 0.2));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

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
          <label>
            Drop probability (0–1)
            <input inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} autoFocus />
            <span className="hint">Received PINGs/PONGs are dropped with this probability; 0 stops dropping.</span>
          </label>
        </div>
        <FormError error={error} />
        <div className="modal-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            Apply
          </button>
        </div>
      </form>
    </Modal>
  );
}
