// Error and busy state of a form that runs one command: client-side check failures and
// errors returned by the command both land in `error`, naming the field when known.
import { useState } from 'react';
import { errorText } from '../lib/form-checks';
import { toCommandFailure } from '../transport/to-failure';

export interface FieldError {
  field?: string;
  text: string;
}

export function useCommandForm() {
  const [error, setError] = useState<FieldError | null>(null);
  const [busy, setBusy] = useState(false);

  /** Runs `command` while busy; clears the error on success, shows the failure otherwise. */
  const run = async (command: () => Promise<void>): Promise<void> => {
    setBusy(true);
    try {
      await command();
      setError(null);
    } catch (err) {
      const f = toCommandFailure(err);
      setError({ field: f.field, text: errorText(f.field, f.message) });
    } finally {
      setBusy(false);
    }
  };

  return { error, setError, busy, run };
}
