// Heartbeat servers: start one (inline form), list them with Stop.
import { memo, useState, type FormEvent } from 'react';
import type { ServerInfo, StartServerArgs } from '../../../shared/contract';
import { useApp, useServices } from '../context';
import { useCommandForm } from '../hooks/use-command-form';
import { checkPort, errorText } from '../lib/form-checks';
import { toCommandFailure } from '../transport/to-failure';
import { EMPTY_HEARTBEAT, HeartbeatFields, checkHeartbeat, type HeartbeatValues } from './heartbeat-fields';
import { FormError } from './modal';

export function ServersPanel() {
  const servers = useApp((s) => s.servers);
  return (
    <section className="panel servers-panel" aria-labelledby="servers-title">
      <div className="panel-head">
        <h2 id="servers-title">Servers</h2>
        <span className="muted count">{servers.length}</span>
      </div>
      <StartServerForm />
      {servers.length > 0 && (
        <ul className="server-list" aria-label="Servers">
          {servers.map((s) => (
            <ServerItem key={s.id} server={s} />
          ))}
        </ul>
      )}
    </section>
  );
}

/** Memoized: the list re-renders whenever a server's figures move, the form need not. */
const StartServerForm = memo(function StartServerForm() {
  const { transport, store } = useServices();
  const [port, setPort] = useState('');
  const [host, setHost] = useState('');
  const [hb, setHb] = useState<HeartbeatValues>(EMPTY_HEARTBEAT);
  const { error, setError, busy, run } = useCommandForm();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const p = checkPort(port, 'port', true);
    if (!p.ok) return setError({ field: p.field, text: p.message });
    const h = checkHeartbeat(hb);
    if (!h.ok) return setError({ field: h.field, text: h.message });
    const args: StartServerArgs = { port: p.value, ...h.value };
    if (host.trim()) args.host = host.trim();
    await run(async () => {
      const info = await transport.call('startServer', args);
      store.getState().upsertServer(info);
      setPort('');
    });
  };

  return (
    <form className="compact-form" aria-label="Start server" onSubmit={submit} noValidate>
      <div className="form-grid three">
        <label>
          Port
          <input aria-label="Server port" inputMode="numeric" placeholder="7070" title="0 = any free port" value={port} aria-invalid={error?.field === 'port' || undefined} onChange={(e) => setPort(e.target.value)} />
        </label>
        <label>
          Bind host
          <input aria-label="Server bind host" placeholder="127.0.0.1" value={host} aria-invalid={error?.field === 'host' || undefined} onChange={(e) => setHost(e.target.value)} />
        </label>
        <HeartbeatFields prefix="Server" value={hb} onChange={setHb} invalid={error?.field} />
      </div>
      <FormError error={error?.text ?? null} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          Start server
        </button>
      </div>
    </form>
  );
});

function ServerItem({ server: s }: { server: ServerInfo }) {
  const { transport, store } = useServices();
  const addr = `${s.host}:${s.port}`;
  const stop = async () => {
    try {
      await transport.call('stopServer', { id: s.id });
      store.getState().dropServer(s.id);
    } catch (e) {
      const f = toCommandFailure(e);
      store.getState().pushToast(`Stop server ${addr} failed: ${errorText(f.field, f.message)}`);
    }
  };
  return (
    <li className="server-item">
      <span className={`dot ${s.listening ? 'ok' : 'off'}`} aria-hidden="true" />
      <span className="mono addr">{addr}</span>
      <span className="muted small">
        {s.protocol} · {s.intervalMs}/{s.timeoutMs} ms {s.timeoutMode} · {s.connections} conn{s.connections === 1 ? '' : 's'}
        {s.listening ? '' : ' · not listening'}
      </span>
      <button type="button" className="small-btn" onClick={() => void stop()} title={`Stop the server on ${addr}`}>
        Stop
      </button>
    </li>
  );
}
