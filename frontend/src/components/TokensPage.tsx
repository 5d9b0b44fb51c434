/**
 * The signed-in user's own API tokens: list, create (the secret is shown once, with a copy
 * button), and revoke after a confirmation.
 */
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { TOKEN_SCOPES, type TokenScope } from '../contract';
import { ApiError, createToken, fieldErrors, listTokens, revokeToken, type ApiToken, type CreatedToken } from '../services/api';
import { formatDateTime } from '../services/format';
import { Dialog } from './Dialog';

const SCOPE_LABELS: Record<TokenScope, string> = {
  read: 'read: list, view, download',
  write: 'write: also add, rename, reprocess, delete (as far as your role allows)',
};

const NAME_REQUIRED = 'Give the token a name, e.g. the script or machine that will use it.';

function messageOf(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}

/** The new token's secret, once: copy it now or make another. */
function NewTokenSecret({ token, onDone }: { token: CreatedToken; onDone: () => void }) {
  const id = useId();
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const copy = () => {
    const clipboard = typeof navigator === 'undefined' ? undefined : navigator.clipboard;
    if (!clipboard) {
      setCopied('failed');
      return;
    }
    clipboard.writeText(token.token).then(
      () => setCopied('yes'),
      () => setCopied('failed'),
    );
  };
  return (
    <section className="secret" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>Token “{token.name}” created</h3>
      <p className="secret__warning">
        <strong>Copy it now: it will not be shown again.</strong> Anyone who has it can use the API as you, with{' '}
        {token.scope} access.
      </p>
      <div className="secret__value">
        <label className="visually-hidden" htmlFor={`${id}-value`}>
          New token
        </label>
        <input id={`${id}-value`} className="mono" readOnly value={token.token} onFocus={(event) => event.target.select()} />
        <button type="button" className="primary" onClick={copy}>
          Copy
        </button>
      </div>
      <p className="muted" aria-live="polite">
        {copied === 'yes' && 'Copied to the clipboard.'}
        {copied === 'failed' && 'The browser did not allow copying: select the token and copy it by hand.'}
      </p>
      <button type="button" onClick={onDone}>
        Done
      </button>
    </section>
  );
}

function RevokeTokenDialog({
  token,
  revoking,
  error,
  onCancel,
  onConfirm,
}: {
  token: ApiToken;
  revoking: boolean;
  error: string | null;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const headingId = useId();
  return (
    <Dialog labelledBy={headingId} onClose={onCancel} role="alertdialog" className="confirm">
      <h3 id={headingId}>Revoke “{token.name}”?</h3>
      <p>
        Scripts and tools that use this token (<code>{token.prefix}…</code>) stop working at once. This cannot be
        undone.
      </p>
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
      <div className="detail__actions">
        <button type="button" onClick={onCancel} data-autofocus>
          Keep it
        </button>
        <button type="button" className="danger" disabled={revoking} onClick={onConfirm}>
          {revoking ? 'Revoking…' : 'Revoke'}
        </button>
      </div>
    </Dialog>
  );
}

interface TokensPageProps {
  /** Whether the user may make write tokens (editors, admins); a viewer's tokens only read. */
  canWrite?: boolean;
}

export function TokensPage({ canWrite = true }: TokensPageProps) {
  const id = useId();
  const [tokens, setTokens] = useState<ApiToken[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const [name, setName] = useState('');
  const [scope, setScope] = useState<TokenScope>('read');
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<ApiError | null>(null);
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const [revokeBusy, setRevokeBusy] = useState(false);
  const [revokeError, setRevokeError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    listTokens(controller.signal)
      .then((body) => {
        setTokens(body.items);
        setLoadError(null);
      })
      .catch((reason: unknown) => {
        if (!controller.signal.aborted) setLoadError(messageOf(reason));
      });
    return () => controller.abort();
  }, [generation]);

  const reload = useCallback(() => setGeneration((n) => n + 1), []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) {
      setCreateError(new ApiError(NAME_REQUIRED, 400, { fields: { name: [NAME_REQUIRED] } }));
      return;
    }
    setCreating(true);
    setCreateError(null);
    try {
      const token = await createToken(name.trim(), scope);
      setCreated(token);
      setName('');
      const listed: ApiToken = {
        id: token.id,
        name: token.name,
        scope: token.scope,
        created_at: token.created_at,
        last_used_at: token.last_used_at,
        prefix: token.prefix,
      };
      setTokens((current) => [listed, ...(current ?? []).filter((item) => item.id !== token.id)]);
    } catch (reason) {
      setCreateError(reason instanceof ApiError ? reason : new ApiError(messageOf(reason), 0));
    } finally {
      setCreating(false);
    }
  };

  const confirmRevoke = async () => {
    if (!revoking) return;
    setRevokeBusy(true);
    setRevokeError(null);
    try {
      await revokeToken(revoking.id);
      const gone = revoking.id;
      setTokens((current) => (current ?? []).filter((item) => item.id !== gone));
      if (created?.id === gone) setCreated(null);
      setRevoking(null);
    } catch (reason) {
      setRevokeError(messageOf(reason));
    } finally {
      setRevokeBusy(false);
    }
  };

  const errors = fieldErrors(createError);
  const nameError = errors.name;
  const otherError = createError && !nameError && !errors.scope ? createError.message : null;

  return (
    <section className="page" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>API tokens</h2>
      <p className="muted">
        Scripts and tools use a token instead of your password: send it as{' '}
        <code>Authorization: Bearer &lt;token&gt;</code>. A token can never do more than your own role.
      </p>

      {created ? (
        <NewTokenSecret token={created} onDone={() => setCreated(null)} />
      ) : (
        <form className="panel token-form" onSubmit={(event) => void submit(event)} noValidate>
          <h3>New token</h3>
          <div className="token-form__fields">
            <div className="field field--grow">
              <label htmlFor={`${id}-name`}>Token name</label>
              <input
                id={`${id}-name`}
                value={name}
                onChange={(event) => setName(event.target.value)}
                placeholder="nightly import script"
                autoComplete="off"
                aria-invalid={nameError ? true : undefined}
                aria-describedby={nameError ? `${id}-name-error` : undefined}
              />
              {nameError && (
                <p id={`${id}-name-error`} className="field__error" role="alert">
                  {nameError}
                </p>
              )}
            </div>
            <div className="field">
              <label htmlFor={`${id}-scope`}>Access</label>
              <select id={`${id}-scope`} value={scope} onChange={(event) => setScope(event.target.value as TokenScope)}>
                {TOKEN_SCOPES.filter((value) => canWrite || value === 'read').map((value) => (
                  <option key={value} value={value}>
                    {SCOPE_LABELS[value]}
                  </option>
                ))}
              </select>
              {errors.scope && (
                <p className="field__error" role="alert">
                  {errors.scope}
                </p>
              )}
            </div>
          </div>
          {otherError && (
            <p className="field__error" role="alert">
              {otherError}
            </p>
          )}
          <button type="submit" className="primary" disabled={creating}>
            {creating ? 'Creating…' : 'Create token'}
          </button>
        </form>
      )}

      <h3>Your tokens</h3>
      {loadError && (
        <div className="notice notice--error" role="alert">
          <p>{loadError}</p>
          <button type="button" onClick={reload}>
            Try again
          </button>
        </div>
      )}
      {tokens === null && !loadError && <p className="muted">Loading your tokens…</p>}
      {tokens !== null && tokens.length === 0 && <p className="muted">You have no tokens yet.</p>}
      {tokens !== null && tokens.length > 0 && (
        <div className="table-wrap">
          <table className="table" aria-label="Your tokens">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Access</th>
                <th scope="col">Starts with</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((token) => (
                <tr key={token.id}>
                  <th scope="row">{token.name}</th>
                  <td>{token.scope}</td>
                  <td>
                    <code>{token.prefix}…</code>
                  </td>
                  <td>{formatDateTime(token.created_at)}</td>
                  <td>{token.last_used_at ? formatDateTime(token.last_used_at) : 'never'}</td>
                  <td>
                    <button
                      type="button"
                      className="danger"
                      aria-label={`Revoke ${token.name}`}
                      onClick={() => {
                        setRevokeError(null);
                        setRevoking(token);
                      }}
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {revoking && (
        <RevokeTokenDialog
          token={revoking}
          revoking={revokeBusy}
          error={revokeError}
          onCancel={() => setRevoking(null)}
          onConfirm={() => void confirmRevoke()}
        />
      )}
    </section>
  );
}
