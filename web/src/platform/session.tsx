import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { SessionView } from '../../../contracts/platform/session.contract.js';
import { api, isApiError, setCsrfToken, setSignedOutHandler } from './api.js';

type SessionState =
  | { status: 'checking' }
  | { status: 'signed-out'; message: string | null }
  | { status: 'signed-in'; session: SessionView };

interface SessionContextValue {
  state: SessionState;
  /** Store the session view the server answered with (sign-in, second-factor confirm). */
  acceptSession: (session: SessionView) => void;
  /** Sign out on the server and here; `message` is shown on the sign-in page. */
  signOut: (message?: string | null) => Promise<void>;
  can: (action: string) => boolean;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function minutesText(minutes: number): string {
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

export function expiredMessage(minutes: number): string {
  return `You were signed out after ${minutesText(minutes)} of inactivity. Please sign in again.`;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [state, setState] = useState<SessionState>({ status: 'checking' });
  const [timeoutMinutes, setTimeoutMinutes] = useState(15);

  const acceptSession = useCallback((session: SessionView) => {
    setCsrfToken(session.csrfToken);
    setTimeoutMinutes(session.inactivityTimeoutMinutes);
    setState({ status: 'signed-in', session });
  }, []);

  const endLocally = useCallback((message: string | null) => {
    setCsrfToken(null);
    queryClient.clear();
    setState({ status: 'signed-out', message });
  }, [queryClient]);

  const signOut = useCallback(async (message: string | null = null) => {
    try {
      await api.delete('/api/session', { quietOnSignedOut: true });
    } catch {
      // The server may already have ended the session; signing out here is what matters.
    }
    endLocally(message);
  }, [endLocally]);

  useEffect(() => {
    setSignedOutHandler((reason) => {
      endLocally(reason === 'SESSION_EXPIRED' ? expiredMessage(timeoutMinutes) : 'Your session has ended. Please sign in again.');
    });
    return () => setSignedOutHandler(null);
  }, [endLocally, timeoutMinutes]);

  useEffect(() => {
    let cancelled = false;
    api.get<SessionView>('/api/session', { quietOnSignedOut: true }).then(
      (session) => { if (!cancelled) acceptSession(session); },
      (error: unknown) => {
        if (cancelled) return;
        setState({ status: 'signed-out', message: isApiError(error, 'SESSION_EXPIRED') ? expiredMessage(15) : null });
      },
    );
    return () => { cancelled = true; };
  }, [acceptSession]);

  const value = useMemo<SessionContextValue>(() => ({
    state,
    acceptSession,
    signOut,
    can: (action) => state.status === 'signed-in' && state.session.allowedActions.includes(action),
  }), [state, acceptSession, signOut]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside SessionProvider');
  return value;
}

/** The signed-in session; only for components rendered inside the signed-in shell. */
export function useSignedInSession(): SessionView {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useSignedInSession used while signed out');
  return state.session;
}
