/** Hands the app's one LiveConnection to the components that need live events. */
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { ConnectionState, LiveConnection } from '../services/websocket';

export const LiveConnectionContext = createContext<LiveConnection | null>(null);

export function useLiveConnection(): LiveConnection | null {
  return useContext(LiveConnectionContext);
}

export function useConnectionState(connection: LiveConnection | null): ConnectionState {
  return useSyncExternalStore(
    (onChange) => (connection ? connection.subscribeState(onChange) : () => undefined),
    () => connection?.state ?? 'offline',
  );
}
