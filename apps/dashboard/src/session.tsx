import { createContext, useContext } from 'react';

import { type ApiClient, type ApiError, type Caller } from './api-client';

/** Where the token is kept: the tab's session storage, never the URL or a cookie. */
const TOKEN_KEY = 'sagaflow.apiToken';

/** The signed-in operator: the API with their token, who they are, and how to leave. */
export interface Session {
  readonly api: ApiClient;
  readonly caller: Caller;
  /** Whether the token may act (operator or admin); a viewer sees no action buttons. */
  readonly mayAct: boolean;
  readonly signOut: () => void;
  /** A call was answered 401: the token expired or was removed; back to the sign-in. */
  readonly expired: (error: ApiError) => void;
}

export const SessionContext = createContext<Session | null>(null);

/** The session of a signed-in page. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === null) throw new Error('useSession outside a signed-in page');
  return session;
}

export function storedToken(): string | null {
  return window.sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string | null): void {
  if (token === null) window.sessionStorage.removeItem(TOKEN_KEY);
  else window.sessionStorage.setItem(TOKEN_KEY, token);
}
