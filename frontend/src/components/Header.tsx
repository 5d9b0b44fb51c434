/**
 * The top bar: the app's name, the pages (library, collections, duplicates, tokens, users for admins), one health light
 * combining the live connection and the workers, and who is signed in with a way out.
 */
import { useState } from 'react';
import { describeHealth, type ProcessingHealth } from '../hooks/useProcessingHealth';
import type { CurrentUser } from '../services/api';
import type { AppView } from '../services/libraryQuery';
import { permissionsOf } from '../services/permissions';
import type { ConnectionState } from '../services/websocket';

interface HeaderProps {
  connection: ConnectionState;
  processing: ProcessingHealth;
  /** The signed-in user; none (or a server without accounts) shows no account controls. */
  user?: CurrentUser | null;
  view?: AppView;
  onNavigate?: (view: AppView) => void;
  onSignOut?: () => Promise<void>;
}

const VIEW_LABELS: Record<AppView, string> = {
  library: 'Library',
  collections: 'Collections',
  duplicates: 'Duplicates',
  tokens: 'API tokens',
  users: 'Users',
};

export function Header({ connection, processing, user = null, view = 'library', onNavigate, onSignOut }: HeaderProps) {
  const health = describeHealth(connection, processing.level);
  const detail = connection === 'connected' ? processing.detail : null;
  const [signingOut, setSigningOut] = useState(false);
  const [signOutError, setSignOutError] = useState<string | null>(null);

  const permissions = user ? permissionsOf(user) : null;
  const views: AppView[] = ['library', 'collections', 'duplicates'];
  if (permissions?.canUseTokens) views.push('tokens');
  if (permissions?.canManageUsers) views.push('users');

  const signOut = () => {
    if (!onSignOut) return;
    setSigningOut(true);
    setSignOutError(null);
    onSignOut().catch((reason: unknown) => {
      setSigningOut(false);
      setSignOutError(reason instanceof Error ? reason.message : String(reason));
    });
  };

  return (
    <header className="app-header">
      <h1 className="app-header__name">
        <a href="/">MAM</a> <span className="app-header__sub">media library</span>
      </h1>
      {views.length > 1 && (
        <nav className="app-nav" aria-label="Main">
          {views.map((name) => (
            <a
              key={name}
              href={name === 'library' ? '/' : `/?view=${name}`}
              className="app-nav__link"
              aria-current={view === name ? 'page' : undefined}
              onClick={(event) => {
                if (!onNavigate || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
                event.preventDefault();
                onNavigate(name);
              }}
            >
              {VIEW_LABELS[name]}
            </a>
          ))}
          {permissions?.canManageUsers && (
            <a href="/admin/" className="app-nav__link">
              Django admin
            </a>
          )}
        </nav>
      )}
      <div className="app-header__end">
        <p className={`health health--${health.level}`} role="status" aria-live="polite" title={detail ?? undefined}>
          <span className="health__dot" aria-hidden="true" />
          <span className="visually-hidden">Server status: </span>
          {health.text}
          {detail && <span className="visually-hidden">. {detail}</span>}
        </p>
        {user?.auth_enabled && (
          <div className="account">
            <p className="account__who">
              <span className="visually-hidden">Signed in as </span>
              <span className="account__name">{user.username}</span>{' '}
              <span className={`badge badge--role badge--${user.role}`}>
                <span className="visually-hidden">role: </span>
                {user.role}
              </span>
            </p>
            <button type="button" onClick={signOut} disabled={signingOut}>
              {signingOut ? 'Signing out…' : 'Sign out'}
            </button>
            {signOutError && (
              <p className="field__error account__error" role="alert">
                {signOutError}
              </p>
            )}
          </div>
        )}
      </div>
    </header>
  );
}
