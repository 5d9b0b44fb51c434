/** The live connection's state (connecting, connected, reconnecting, offline) as React state. */
import { useSyncExternalStore } from 'react';
import type { ConnectionState, LiveConnection } from '../services/websocket';

export function useConnectionState(connection: LiveConnection | null): ConnectionState {
  return useSyncExternalStore(
    (onChange) => (connection ? connection.subscribeState(onChange) : () => undefined),
    () => connection?.state ?? 'offline',
  );
}
