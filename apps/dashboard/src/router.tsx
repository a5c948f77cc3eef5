import { type MouseEvent, type ReactNode, useEffect, useState } from 'react';

/** Where the orchestrator serves the dashboard. */
export const BASE_PATH = '/ui';

/** The page's location inside the dashboard: `/sagas/abc`, and its query. */
export interface Location {
  readonly path: string;
  readonly search: URLSearchParams;
}

const NAVIGATED = 'sagaflow:navigated';

function currentLocation(): Location {
  const { pathname, search } = window.location;
  const inside = pathname.startsWith(BASE_PATH) ? pathname.slice(BASE_PATH.length) : pathname;
  return { path: inside === '' ? '/' : inside, search: new URLSearchParams(search) };
}

/** The dashboard URL of a path inside it (`/sagas?status=RUNNING` → `/ui/sagas?status=RUNNING`). */
export function hrefOf(to: string): string {
  return `${BASE_PATH}${to}`;
}

/** Goes to a page of the dashboard, as a new history entry (or in place with `replace`). */
export function navigate(to: string, options: { readonly replace?: boolean } = {}): void {
  const href = hrefOf(to);
  if (options.replace === true) window.history.replaceState(null, '', href);
  else window.history.pushState(null, '', href);
  window.dispatchEvent(new Event(NAVIGATED));
}

/** The current location, updated on navigation and on the browser's back and forward. */
export function useLocation(): Location {
  const [location, setLocation] = useState(currentLocation);
  useEffect(() => {
    const update = (): void => {
      setLocation(currentLocation());
    };
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATED, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATED, update);
    };
  }, []);
  return location;
}

/** A link inside the dashboard: a real `href` (new tab works), navigated in place on a plain click. */
export function Link(props: {
  readonly to: string;
  readonly children: ReactNode;
  readonly className?: string;
  readonly current?: boolean;
}): ReactNode {
  const onClick = (event: MouseEvent<HTMLAnchorElement>): void => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    navigate(props.to);
  };
  return (
    <a
      href={hrefOf(props.to)}
      onClick={onClick}
      className={props.className}
      aria-current={props.current === true ? 'page' : undefined}
    >
      {props.children}
    </a>
  );
}
