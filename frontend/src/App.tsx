/**
 * The app shell: who is signed in decides what shows. No session: the login page. Signed in:
 * the header and the page named in the URL (library, collections, duplicates, API tokens, users), with the controls the
 * user's role allows; a 401 from anywhere goes back to the login page.
 */
import { useEffect, useState } from 'react';
import { CollectionsPage } from './components/CollectionsPage';
import { DuplicatesPage } from './components/DuplicatesPage';
import { Header } from './components/Header';
import { LibraryPage } from './components/LibraryPage';
import { LoginPage } from './components/LoginPage';
import { TokensPage } from './components/TokensPage';
import { UsersPage } from './components/UsersPage';
import { useConnectionState } from './hooks/useConnectionState';
import { useLibraryQuery } from './hooks/useLibraryQuery';
import { useProcessingHealth } from './hooks/useProcessingHealth';
import { useSession, useSessionCheckWhileReconnecting } from './hooks/useSession';
import type { CurrentUser } from './services/api';
import { DEFAULT_QUERY, type AppView } from './services/libraryQuery';
import { permissionsOf } from './services/permissions';
import { UploadQueue } from './services/uploadQueue';
import { LiveConnection } from './services/websocket';

export function App({ connection: given }: { connection?: LiveConnection }) {
  const [connection] = useState(() => given ?? new LiveConnection());
  const { session, signedIn, signOut, retry } = useSession();

  // The live connection runs only while someone is signed in: on the login page a socket would
  // only be refused, again and again.
  const live = session.state === 'signedIn';
  useEffect(() => {
    if (!live) return;
    connection.start();
    return () => connection.stop();
  }, [connection, live]);

  switch (session.state) {
    case 'loading':
      return (
        <main id="main" className="login">
          <p className="muted" aria-live="polite">
            Loading…
          </p>
        </main>
      );
    case 'unavailable':
      return (
        <main id="main" className="login">
          <div className="notice notice--error" role="alert">
            <p>{session.error}</p>
            <button type="button" onClick={retry}>
              Try again
            </button>
          </div>
        </main>
      );
    case 'signedOut':
      return <LoginPage onSignedIn={signedIn} notice={session.notice} />;
    case 'signedIn':
      return <SignedInApp user={session.user} connection={connection} onSignOut={signOut} />;
  }
}

interface SignedInAppProps {
  user: CurrentUser;
  connection: LiveConnection;
  onSignOut: () => Promise<void>;
}

function SignedInApp({ user, connection, onSignOut }: SignedInAppProps) {
  const connectionState = useConnectionState(connection);
  const processing = useProcessingHealth();
  const [query, updateQuery] = useLibraryQuery();
  const permissions = permissionsOf(user);
  useSessionCheckWhileReconnecting(connectionState, user.auth_enabled);
  // Uploads belong to the signed-in app, not to a page: leaving the library keeps them going.
  // Signing out stops them without deleting them, so the same file picked again resumes.
  const [uploads] = useState(() => new UploadQueue());
  useEffect(() => () => uploads.stop(), [uploads]);

  const navigate = (view: AppView) => updateQuery({ ...DEFAULT_QUERY, view });

  let content;
  if (query.view === 'collections') {
    content = (
      <CollectionsPage
        canEdit={permissions.canEditAssets}
        onOpen={(id) => updateQuery({ ...DEFAULT_QUERY, collection: id })}
      />
    );
  } else if (query.view === 'duplicates') {
    content = (
      <DuplicatesPage
        canEdit={permissions.canEditAssets}
        onOpen={(id) => updateQuery({ ...DEFAULT_QUERY, asset: id })}
      />
    );
  } else if (query.view === 'tokens') {
    content = permissions.canUseTokens ? (
      <TokensPage canWrite={permissions.canEditAssets} />
    ) : (
      <p className="notice notice--info">This server runs without accounts, so there are no API tokens to manage.</p>
    );
  } else if (query.view === 'users') {
    content = permissions.canManageUsers ? (
      <UsersPage currentUser={user} />
    ) : (
      <p className="notice notice--info">
        {user.auth_enabled ? 'Only admins manage users.' : 'This server runs without accounts.'}
      </p>
    );
  } else {
    content = (
      <LibraryPage
        query={query}
        updateQuery={updateQuery}
        connection={connection}
        canEdit={permissions.canEditAssets}
        uploads={uploads}
      />
    );
  }

  return (
    <>
      <a className="skip-link" href="#main">
        {query.view === 'library' ? 'Skip to the library' : 'Skip to the content'}
      </a>
      <Header
        connection={connectionState}
        processing={processing}
        user={user}
        view={query.view}
        onNavigate={navigate}
        onSignOut={onSignOut}
      />
      <main id="main" className="app-main">
        {content}
      </main>
    </>
  );
}
