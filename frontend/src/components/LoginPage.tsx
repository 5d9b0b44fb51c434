/** The login page: username and password; the server's own words on a refusal, and a wait after too many tries. */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { ApiError, signIn as requestSignIn, type CurrentUser } from '../services/api';

interface LoginPageProps {
  onSignedIn: (user: CurrentUser) => void;
  /** Why the page is shown (session ended, signed out), if not the first visit. */
  notice?: string | null;
  signIn?: typeof requestSignIn;
}

function retryMessage(error: ApiError): string {
  const seconds = error.retryAfterSeconds;
  const wait = seconds === null ? 'a little while' : seconds === 1 ? '1 second' : `${seconds} seconds`;
  return `Too many sign-in attempts. Try again in ${wait}.`;
}

export function LoginPage({ onSignedIn, notice = null, signIn = requestSignIn }: LoginPageProps) {
  const id = useId();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** Until when the server asked us to wait (429), as Date.now() milliseconds. */
  const [blockedUntil, setBlockedUntil] = useState<number | null>(null);

  useEffect(() => {
    if (blockedUntil === null) return;
    const timer = window.setTimeout(() => setBlockedUntil(null), Math.max(0, blockedUntil - Date.now()));
    return () => window.clearTimeout(timer);
  }, [blockedUntil]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!username.trim() || !password) {
      setError('Enter your username and password.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const user = await signIn(username.trim(), password);
      onSignedIn(user);
    } catch (reason) {
      setPassword('');
      if (reason instanceof ApiError && reason.status === 429) {
        setError(retryMessage(reason));
        setBlockedUntil(Date.now() + (reason.retryAfterSeconds ?? 30) * 1000);
      } else {
        setError(reason instanceof Error ? reason.message : String(reason));
      }
      setBusy(false);
    }
  };

  const errorId = `${id}-error`;
  return (
    <main id="main" className="login">
      <form className="login__card" onSubmit={(event) => void submit(event)} noValidate aria-labelledby={`${id}-heading`}>
        <p className="login__brand">
          MAM <span className="app-header__sub">media library</span>
        </p>
        <h1 id={`${id}-heading`}>Sign in</h1>
        {notice && (
          <p className="notice notice--info" role="status">
            {notice}
          </p>
        )}
        <div className="field">
          <label htmlFor={`${id}-username`}>Username</label>
          <input
            id={`${id}-username`}
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            value={username}
            onChange={(event) => setUsername(event.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errorId : undefined}
            autoFocus
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-password`}>Password</label>
          <input
            id={`${id}-password`}
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errorId : undefined}
          />
        </div>
        {error && (
          <p id={errorId} className="field__error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary login__submit" disabled={busy || blockedUntil !== null}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="hint">Accounts are made by an administrator. Ask yours if you have none.</p>
      </form>
    </main>
  );
}
