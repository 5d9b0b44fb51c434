/** The top bar: the app's name and one health light combining the live connection and the workers. */
import { describeHealth, type ProcessingHealth } from '../hooks/useProcessingHealth';
import type { ConnectionState } from '../services/websocket';

export function Header({ connection, processing }: { connection: ConnectionState; processing: ProcessingHealth }) {
  const health = describeHealth(connection, processing.level);
  const detail = connection === 'connected' ? processing.detail : null;
  return (
    <header className="app-header">
      <h1 className="app-header__name">
        <a href="/">MAM</a> <span className="app-header__sub">media library</span>
      </h1>
      <p className={`health health--${health.level}`} role="status" aria-live="polite" title={detail ?? undefined}>
        <span className="health__dot" aria-hidden="true" />
        <span className="visually-hidden">Server status: </span>
        {health.text}
        {detail && <span className="visually-hidden">. {detail}</span>}
      </p>
    </header>
  );
}
