import { type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';

import { ApiClient, ApiError, type Caller } from './api-client';
import { DeadLettersPage } from './dead-letters-page';
import { DefinitionsPage } from './definitions-page';
import { OverviewPage } from './overview-page';
import { Link, useLocation } from './router';
import { SagaDetailPage } from './saga-detail-page';
import { SagaListPage } from './saga-list-page';
import { type Session, SessionContext, storedToken, storeToken } from './session';
import { SignInPage } from './sign-in-page';

/** The signed-in token and its holder. */
interface SignedIn {
  readonly api: ApiClient;
  readonly caller: Caller;
}

/**
 * The dashboard: the sign-in until a token is accepted (`GET /whoami`), then the pages.
 * A token kept from earlier in the tab is checked again on load.
 */
export function App(): ReactNode {
  const [signedIn, setSignedIn] = useState<SignedIn | null>(null);
  const [checking, setChecking] = useState(() => storedToken() !== null);
  const [error, setError] = useState<string | null>(null);

  const signIn = useCallback(async (token: string) => {
    setChecking(true);
    setError(null);
    const api = new ApiClient(token);
    try {
      const caller = await api.whoami();
      storeToken(token);
      setSignedIn({ api, caller });
    } catch (caught: unknown) {
      storeToken(null);
      setError(caught instanceof ApiError ? caught.describe() : String(caught));
    } finally {
      setChecking(false);
    }
  }, []);

  useEffect(() => {
    const token = storedToken();
    if (token !== null) void signIn(token);
  }, [signIn]);

  const session = useMemo<Session | null>(() => {
    if (signedIn === null) return null;
    return {
      ...signedIn,
      mayAct: signedIn.caller.role !== 'viewer',
      signOut: () => {
        storeToken(null);
        setSignedIn(null);
        setError(null);
      },
      expired: (apiError) => {
        storeToken(null);
        setSignedIn(null);
        setError(apiError.describe());
      },
    };
  }, [signedIn]);

  if (session === null) {
    return (
      <SignInPage
        error={error}
        checking={checking}
        onSubmit={(token) => {
          void signIn(token);
        }}
      />
    );
  }
  return (
    <SessionContext.Provider value={session}>
      <Shell />
    </SessionContext.Provider>
  );
}

function Shell(): ReactNode {
  const location = useLocation();
  const detail = /^\/sagas\/([^/]+)$/.exec(location.path);
  const sagaId = detail?.[1] === undefined ? null : decodeURIComponent(detail[1]);
  let page: ReactNode;
  if (sagaId !== null) page = <SagaDetailPage key={sagaId} sagaId={sagaId} />;
  else if (location.path === '/sagas') page = <SagaListPage search={location.search} />;
  else if (location.path === '/definitions') page = <DefinitionsPage />;
  else if (location.path === '/dead-letters') page = <DeadLettersPage search={location.search} />;
  else if (location.path === '/') page = <OverviewPage search={location.search} />;
  else page = <p className="error">No page at {location.path}.</p>;
  return (
    <>
      <Header path={location.path} />
      <main className="page">{page}</main>
    </>
  );
}

function Header(props: { readonly path: string }): ReactNode {
  return (
    <SessionContext.Consumer>
      {(session) =>
        session === null ? null : (
          <header className="top">
            <span className="brand">Sagaflow</span>
            <nav aria-label="Pages">
              <Link to="/" current={props.path === '/'}>
                Overview
              </Link>
              <Link to="/sagas" current={props.path.startsWith('/sagas')}>
                Sagas
              </Link>
              <Link to="/definitions" current={props.path === '/definitions'}>
                Definitions
              </Link>
              <Link to="/dead-letters" current={props.path.startsWith('/dead-letters')}>
                Dead letters
              </Link>
            </nav>
            <span className="who" data-testid="caller">
              {session.caller.name} ({session.caller.role})
            </span>
            <button type="button" className="link-button" onClick={session.signOut}>
              Sign out
            </button>
          </header>
        )
      }
    </SessionContext.Consumer>
  );
}
