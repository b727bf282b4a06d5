// "Connect to…": adds an outbound peer.
import { useState, type FormEvent } from 'react';
import type { ConnectArgs } from '../../../shared/contract';
import { useServices } from '../context';
import { useCommandForm } from '../hooks/use-command-form';
import { checkHost, checkPort } from '../lib/form-checks';
import { EMPTY_HEARTBEAT, HeartbeatFields, checkHeartbeat, type HeartbeatValues } from './heartbeat-fields';
import { FormError } from './modal';

export function ConnectForm() {
  const { transport, store } = useServices();
  const [host, setHost] = useState('127.0.0.1');
  const [port, setPort] = useState('');
  const [name, setName] = useState('');
  const [hb, setHb] = useState<HeartbeatValues>(EMPTY_HEARTBEAT);
  const { error, setError, busy, run } = useCommandForm();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const h = checkHost(host);
    if (!h.ok) return setError({ field: h.field, text: h.message });
    const p = checkPort(port, 'port');
    if (!p.ok) return setError({ field: p.field, text: p.message });
    const b = checkHeartbeat(hb);
    if (!b.ok) return setError({ field: b.field, text: b.message });
    const args: ConnectArgs = { host: h.value, port: p.value, ...b.value };
    if (name.trim()) args.name = name.trim();
    await run(async () => {
      const peer = await transport.call('connect', args);
      store.getState().upsertPeer(peer);
      store.getState().setActive(peer.id);
      setName('');
    });
  };

  return (
    <section className="panel connect-panel" aria-labelledby="connect-title">
      <div className="panel-head">
        <h2 id="connect-title">Connect to…</h2>
      </div>
      <form className="compact-form" aria-label="Connect to" onSubmit={submit} noValidate>
        <div className="form-grid three">
          <label>
            Host
            <input value={host} aria-invalid={error?.field === 'host' || undefined} onChange={(e) => setHost(e.target.value)} />
          </label>
          <label>
            Port
            <input inputMode="numeric" placeholder="7070" value={port} aria-invalid={error?.field === 'port' || undefined} onChange={(e) => setPort(e.target.value)} />
          </label>
          <label>
            Name
            <input placeholder="optional" value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <HeartbeatFields prefix="" value={hb} onChange={setHb} invalid={error?.field} />
        </div>
        <FormError error={error?.text ?? null} />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy}>
            Connect
          </button>
        </div>
      </form>
    </section>
  );
}
