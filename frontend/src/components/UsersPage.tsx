/**
 * Users, for admins: create an account (with the server's messages per field), change a role,
 * set a new password, deactivate or reactivate. The server refuses what an admin may not do to themselves; its
 * message is shown.
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { ROLES, type Role } from '../contract';
import {
  ApiError,
  createUser,
  fieldErrors,
  listUsers,
  updateUser,
  type CurrentUser,
  type UserAccount,
  type UserChange,
} from '../services/api';
import { formatDateTime } from '../services/format';
import { Dialog } from './Dialog';

const ROLE_HINTS: Record<Role, string> = {
  viewer: 'browse, view and download',
  editor: 'also add, rename, reprocess and delete media',
  admin: 'also manage users and the Django admin',
};

function messageOf(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}

function NewUserForm({ onCreated }: { onCreated: (user: UserAccount) => void }) {
  const id = useId();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const user = await createUser({ username: username.trim(), password, role });
      setUsername('');
      setPassword('');
      setRole('viewer');
      setDone(`Created “${user.username}” (${user.role}). Give them their password in person or over a safe channel.`);
      onCreated(user);
    } catch (reason) {
      setError(reason instanceof ApiError ? reason : new ApiError(messageOf(reason), 0));
    } finally {
      setBusy(false);
    }
  };

  const errors = fieldErrors(error);
  const unplaced = error && !errors.username && !errors.password && !errors.role;
  const fieldError = (name: string) =>
    errors[name] ? (
      <p id={`${id}-${name}-error`} className="field__error" role="alert">
        {errors[name]}
      </p>
    ) : null;
  const invalid = (name: string) =>
    errors[name] ? { 'aria-invalid': true, 'aria-describedby': `${id}-${name}-error` } : {};

  return (
    <form className="panel user-form" onSubmit={(event) => void submit(event)} noValidate aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>New user</h3>
      <div className="user-form__fields">
        <div className="field">
          <label htmlFor={`${id}-username`}>Username</label>
          <input
            id={`${id}-username`}
            value={username}
            onChange={(event) => setUsername(event.target.value)}
            autoComplete="off"
            spellCheck={false}
            {...invalid('username')}
          />
          {fieldError('username')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-password`}>Initial password</label>
          <input
            id={`${id}-password`}
            type="password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            autoComplete="new-password"
            {...invalid('password')}
          />
          {fieldError('password')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-role`}>Role</label>
          <select id={`${id}-role`} value={role} onChange={(event) => setRole(event.target.value as Role)} {...invalid('role')}>
            {ROLES.map((value) => (
              <option key={value} value={value}>
                {value}: {ROLE_HINTS[value]}
              </option>
            ))}
          </select>
          {fieldError('role')}
        </div>
      </div>
      {unplaced && (
        <p className="field__error" role="alert">
          {error.message}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Creating…' : 'Create user'}
      </button>
      <p className="muted" aria-live="polite">
        {done}
      </p>
    </form>
  );
}

function DeactivateDialog({
  user,
  busy,
  error,
  onCancel,
  onConfirm,
}: {
  user: UserAccount;
  busy: boolean;
  error: string | null;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const headingId = useId();
  return (
    <Dialog labelledBy={headingId} onClose={onCancel} role="alertdialog" className="confirm">
      <h3 id={headingId}>Deactivate “{user.username}”?</h3>
      <p>They can no longer sign in, and their API tokens stop working. You can reactivate them later.</p>
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
      <div className="detail__actions">
        <button type="button" onClick={onCancel} data-autofocus>
          Keep active
        </button>
        <button type="button" className="danger" disabled={busy} onClick={onConfirm}>
          {busy ? 'Deactivating…' : 'Deactivate'}
        </button>
      </div>
    </Dialog>
  );
}

/** Sets a new password for someone who forgot theirs; the server's password rules apply. */
function SetPasswordDialog({ user, onDone }: { user: UserAccount; onDone: (saved: boolean) => void }) {
  const id = useId();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await updateUser(user.id, { password });
      onDone(true);
    } catch (reason) {
      setError(reason instanceof ApiError ? reason : new ApiError(messageOf(reason), 0));
      setBusy(false);
    }
  };

  const message = error ? (fieldErrors(error).password ?? error.message) : null;
  return (
    <Dialog labelledBy={`${id}-heading`} onClose={() => onDone(false)} className="confirm">
      <form onSubmit={(event) => void submit(event)} noValidate>
        <h3 id={`${id}-heading`}>New password for “{user.username}”</h3>
        <div className="field">
          <label htmlFor={`${id}-password`}>New password</label>
          <input
            id={`${id}-password`}
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            aria-invalid={message ? true : undefined}
            aria-describedby={message ? `${id}-error` : undefined}
            data-autofocus
          />
          {message && (
            <p id={`${id}-error`} className="field__error" role="alert">
              {message}
            </p>
          )}
        </div>
        <div className="detail__actions">
          <button type="button" onClick={() => onDone(false)}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || !password}>
            {busy ? 'Saving…' : 'Set password'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function UsersPage({ currentUser }: { currentUser: CurrentUser }) {
  const id = useId();
  const [users, setUsers] = useState<UserAccount[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  /** The user whose change is under way. */
  const [pending, setPending] = useState<number | null>(null);
  const [rowError, setRowError] = useState<{ username: string; message: string } | null>(null);
  const [deactivating, setDeactivating] = useState<UserAccount | null>(null);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [settingPassword, setSettingPassword] = useState<UserAccount | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    listUsers(controller.signal)
      .then((body) => {
        setUsers(body.items);
        setLoadError(null);
      })
      .catch((reason: unknown) => {
        if (!controller.signal.aborted) setLoadError(messageOf(reason));
      });
    return () => controller.abort();
  }, [generation]);

  const replace = (user: UserAccount) =>
    setUsers((current) => (current ?? []).map((item) => (item.id === user.id ? user : item)));

  /** Applies one change to one user; resolves whether it was saved (the error is shown otherwise). */
  const change = async (user: UserAccount, update: UserChange, onError?: (message: string) => void): Promise<boolean> => {
    setPending(user.id);
    setRowError(null);
    setNotice(null);
    try {
      replace(await updateUser(user.id, update));
      return true;
    } catch (reason) {
      const message = messageOf(reason);
      if (onError) onError(message);
      else setRowError({ username: user.username, message });
      return false;
    } finally {
      setPending(null);
    }
  };

  const confirmDeactivate = async () => {
    if (!deactivating) return;
    setDialogError(null);
    if (await change(deactivating, { is_active: false }, setDialogError)) setDeactivating(null);
  };

  return (
    <section className="page" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Users</h2>
      <p className="muted">
        Viewers browse and download; editors also add and change media; admins also manage users.
      </p>
      <NewUserForm onCreated={(user) => setUsers((current) => [...(current ?? []), user])} />

      <h3>Accounts</h3>
      {loadError && (
        <div className="notice notice--error" role="alert">
          <p>{loadError}</p>
          <button type="button" onClick={() => setGeneration((n) => n + 1)}>
            Try again
          </button>
        </div>
      )}
      {rowError && (
        <div className="notice notice--error" role="alert">
          <p>
            {rowError.username}: {rowError.message}
          </p>
        </div>
      )}
      <p className="muted" aria-live="polite">
        {notice}
      </p>
      {users === null && !loadError && <p className="muted">Loading users…</p>}
      {users !== null && (
        <div className="table-wrap">
          <table className="table" aria-label="Users">
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Joined</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.map((user) => (
                <tr key={user.id} className={user.is_active ? undefined : 'table__row--inactive'}>
                  <th scope="row">
                    {user.username}
                    {user.id === currentUser.id && <span className="muted"> (you)</span>}
                  </th>
                  <td>
                    <select
                      aria-label={`Role of ${user.username}`}
                      value={user.role}
                      disabled={pending === user.id}
                      onChange={(event) => void change(user, { role: event.target.value as Role })}
                    >
                      {ROLES.map((value) => (
                        <option key={value} value={value}>
                          {value}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <span className={`badge ${user.is_active ? 'badge--ready' : 'badge--failed'}`}>
                      {user.is_active ? 'active' : 'deactivated'}
                    </span>
                  </td>
                  <td>{formatDateTime(user.date_joined)}</td>
                  <td>{user.last_login ? formatDateTime(user.last_login) : 'never'}</td>
                  <td>
                    <div className="table__actions">
                      <button
                        type="button"
                        aria-label={`Set a new password for ${user.username}`}
                        onClick={() => {
                          setNotice(null);
                          setSettingPassword(user);
                        }}
                      >
                        Set password
                      </button>
                      {user.is_active ? (
                        <button
                          type="button"
                          className="danger"
                          aria-label={`Deactivate ${user.username}`}
                          disabled={pending === user.id}
                          onClick={() => {
                            setDialogError(null);
                            setDeactivating(user);
                          }}
                        >
                          Deactivate
                        </button>
                      ) : (
                        <button
                          type="button"
                          aria-label={`Reactivate ${user.username}`}
                          disabled={pending === user.id}
                          onClick={() => void change(user, { is_active: true })}
                        >
                          Reactivate
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {settingPassword && (
        <SetPasswordDialog
          user={settingPassword}
          onDone={(saved) => {
            if (saved) setNotice(`Set a new password for “${settingPassword.username}”.`);
            setSettingPassword(null);
          }}
        />
      )}
      {deactivating && (
        <DeactivateDialog
          user={deactivating}
          busy={pending === deactivating.id}
          error={dialogError}
          onCancel={() => setDeactivating(null)}
          onConfirm={() => void confirmDeactivate()}
        />
      )}
    </section>
  );
}
