/**
 * Who is using the app: asks /auth/me once, then follows sign-in, sign-out and any 401 from any
 * request (the session ended), which sends the app back to the login page.
 */
import { useCallback, useEffect, useState } from 'react';
import { SESSION_CHECK_MS } from '../contract';
import {
  ApiError,
  checkSession,
  getCurrentUser,
  LOCAL_USER,
  onSessionExpired,
  signOut as requestSignOut,
  type CurrentUser,
} from '../services/api';
import type { ConnectionState } from '../services/websocket';

export type Session =
  | { state: 'loading' }
  /** `notice`: why the login page is shown, when it is not the first visit (session ended, signed out). */
  | { state: 'signedOut'; notice: string | null }
  | { state: 'signedIn'; user: CurrentUser }
  /** /auth/me did not answer usefully: the server is away or broken. */
  | { state: 'unavailable'; error: string };

export interface SessionControls {
  session: Session;
  signedIn: (user: CurrentUser) => void;
  signOut: () => Promise<void>;
  retry: () => void;
}

export const SESSION_ENDED = 'Your session has ended. Sign in again to continue.';
export const SIGNED_OUT = 'You are signed out.';

export function useSession(): SessionControls {
  const [session, setSession] = useState<Session>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    getCurrentUser(controller.signal)
      .then((user) => setSession({ state: 'signedIn', user }))
      .catch((reason: unknown) => {
        if (controller.signal.aborted) return;
        if (reason instanceof ApiError && reason.status === 401) setSession({ state: 'signedOut', notice: null });
        // A server from before accounts has no /auth/me: it is the one-operator install it always was.
        else if (reason instanceof ApiError && reason.status === 404) setSession({ state: 'signedIn', user: LOCAL_USER });
        else setSession({ state: 'unavailable', error: reason instanceof Error ? reason.message : String(reason) });
      });
    return () => controller.abort();
  }, [attempt]);

  useEffect(
    () =>
      onSessionExpired(() =>
        setSession((current) =>
          current.state === 'signedIn' && !current.user.auth_enabled ? current : { state: 'signedOut', notice: SESSION_ENDED },
        ),
      ),
    [],
  );

  const signedIn = useCallback((user: CurrentUser) => setSession({ state: 'signedIn', user }), []);
  const retry = useCallback(() => {
    setSession({ state: 'loading' });
    setAttempt((n) => n + 1);
  }, []);
  const signOut = useCallback(async () => {
    try {
      await requestSignOut();
      setSession({ state: 'signedOut', notice: SIGNED_OUT });
    } catch (reason) {
      if (reason instanceof ApiError && reason.status === 401) {
        setSession({ state: 'signedOut', notice: SIGNED_OUT });
        return;
      }
      throw reason;
    }
  }, []);

  return { session, signedIn, signOut, retry };
}

/**
 * While the live connection is down, asks now and then whether the session still holds: a
 * refused socket says nothing about why, and a 401 here moves the app to the login page (through
 * onSessionExpired) instead of reconnecting forever. A server that is simply away answers nothing,
 * which changes nothing.
 */
export function useSessionCheckWhileReconnecting(
  connection: ConnectionState,
  enabled: boolean,
  intervalMs: number = SESSION_CHECK_MS,
): void {
  useEffect(() => {
    if (!enabled || connection !== 'reconnecting') return;
    const controller = new AbortController();
    const check = () => {
      checkSession(controller.signal).catch(() => {
        // A 401 has already been announced; anything else (server away) is the socket's business.
      });
    };
    check();
    const timer = window.setInterval(check, intervalMs);
    return () => {
      window.clearInterval(timer);
      controller.abort();
    };
  }, [connection, enabled, intervalMs]);
}
