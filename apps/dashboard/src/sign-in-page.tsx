import { type ReactNode, type SyntheticEvent, useState } from 'react';

/** The token form: the token is checked by the caller (`GET /whoami`) before it is kept. */
export function SignInPage(props: {
  readonly error: string | null;
  readonly checking: boolean;
  readonly onSubmit: (token: string) => void;
}): ReactNode {
  const [token, setToken] = useState('');
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    if (token.trim() !== '') props.onSubmit(token.trim());
  };
  return (
    <main className="sign-in">
      <h1>Sagaflow</h1>
      <form onSubmit={submit} className="card">
        <label htmlFor="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          value={token}
          onChange={(event) => {
            setToken(event.target.value);
          }}
          placeholder="sf_…"
          required
        />
        <p className="hint">
          Kept in this tab only (session storage) and sent as a bearer token. Make one with{' '}
          <code>npm run token -- --name you --role viewer</code>.
        </p>
        {props.error === null ? null : (
          <p className="error" role="alert">
            {props.error}
          </p>
        )}
        <button type="submit" disabled={props.checking}>
          {props.checking ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
