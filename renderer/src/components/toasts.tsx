// Command errors surface here (role="alert"); they stay until dismissed or 10 s pass.
import { useEffect } from 'react';
import { useApp, useServices } from '../context';
import type { Toast } from '../state/app-store';

const TTL_MS = 10_000;

export function Toasts() {
  const toasts = useApp((s) => s.toasts);
  return (
    <div className="toasts" aria-label="Notifications">
      {toasts.map((t) => (
        <ToastItem key={t.id} toast={t} />
      ))}
    </div>
  );
}

function ToastItem({ toast }: { toast: Toast }) {
  const { store } = useServices();
  useEffect(() => {
    const timer = setTimeout(() => store.getState().dismissToast(toast.id), TTL_MS);
    return () => clearTimeout(timer);
  }, [store, toast.id]);
  return (
    <div className={`toast toast-${toast.kind}`} role={toast.kind === 'error' ? 'alert' : 'status'}>
      <span className="toast-msg">{toast.message}</span>
      <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => store.getState().dismissToast(toast.id)}>
        ×
      </button>
    </div>
  );
}
