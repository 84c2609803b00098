import { FormEvent, useState } from 'react';
import { ApiError, call, setAdminKey } from '../api';
import { ErrorBox } from '../ui';

/** Sign-in with the admin key: checked against an admin route, then kept for this browser session only. */
export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await call('GET', '/v1/admin/clock', { key: key.trim() });
      setAdminKey(key.trim());
      onSignedIn();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="sign-in" id="main">
      <h1>Nimbus admin</h1>
      <p>Sign in with the admin key that <code>npm start</code> printed. It is kept for this browser tab’s session only.</p>
      <form onSubmit={submit}>
        <label>
          Admin key
          <input name="adminKey" type="password" autoComplete="current-password" value={key} onChange={(e) => setKey(e.target.value)} required aria-describedby={error ? 'sign-in-error' : undefined} />
        </label>
        <button type="submit" className="primary" disabled={busy || key.trim() === ''}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
      {error && (
        <div id="sign-in-error">
          <ErrorBox error={error instanceof ApiError && error.status === 401 ? new ApiError(401, error.code, `The admin key was not accepted: ${error.message}`, error.requestId) : error} />
        </div>
      )}
    </main>
  );
}
