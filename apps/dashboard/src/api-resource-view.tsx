import { type ReactNode } from 'react';

import { type ApiResource } from './use-api-resource';

/**
 * A page's main resource's last error, as an alert; nothing while there is none.
 *
 * @example
 * ```tsx
 * <ResourceError resource={page} />
 * ```
 */
export function ResourceError(props: { readonly resource: ApiResource<unknown> }): ReactNode {
  const { error } = props.resource;
  return error === null ? null : (
    <p className="error" role="alert">
      {error.describe()}
    </p>
  );
}

/**
 * A resource's data as the page shows it: `Loading…` until the first answer (nothing after a
 * first read that failed: {@link ResourceError} says why), `empty.text` when `empty.when`
 * finds nothing to show, else what `children` makes of it.
 *
 * @example
 * ```tsx
 * <ResourceData resource={page} empty={{ when: (p) => p.items.length === 0, text: 'None.' }}>
 *   {(p) => <SagaTable items={p.items} />}
 * </ResourceData>
 * ```
 */
export function ResourceData<T>(props: {
  readonly resource: ApiResource<T>;
  /** When the data holds nothing to show, and what to say then. */
  readonly empty?: { readonly when: (data: T) => boolean; readonly text: string };
  readonly children: (data: T) => ReactNode;
}): ReactNode {
  const { data, loading } = props.resource;
  if (data === null) return <p className="muted">{loading ? 'Loading…' : ''}</p>;
  if (props.empty?.when(data) === true) return <p className="muted">{props.empty.text}</p>;
  return props.children(data);
}
