import { type ReactNode } from 'react';

import { navigate } from './router';

/**
 * A labelled text input of a filter form, its value held by the form: `onChange` gets each
 * new text. `type` is the input's (plain text unless set).
 *
 * @example
 * ```tsx
 * <TextField label="Topic" name="topic" value={topic} maxLength={249} onChange={setTopic} />
 * ```
 */
export function TextField(props: {
  readonly label: string;
  readonly name: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly type?: 'datetime-local';
  readonly maxLength?: number;
  readonly placeholder?: string;
}): ReactNode {
  return (
    <label>
      {props.label}
      <input
        type={props.type}
        name={props.name}
        value={props.value}
        maxLength={props.maxLength}
        onChange={(event) => {
          props.onChange(event.target.value);
        }}
        placeholder={props.placeholder}
      />
    </label>
  );
}

/**
 * The pager of a listing paged by cursor: "First page" (to `firstPage`; absent on the first
 * page, `null`), "Next page" (to `nextPage`; absent on the last, `null`), then `children`,
 * e.g. the page size.
 *
 * @example
 * ```tsx
 * <Pager firstPage={beforeId === null ? null : path(null)} nextPage={next === null ? null : path(next)} />
 * ```
 */
export function Pager(props: {
  readonly firstPage: string | null;
  readonly nextPage: string | null;
  readonly children?: ReactNode;
}): ReactNode {
  const pages = [
    { label: 'First page', to: props.firstPage },
    { label: 'Next page', to: props.nextPage },
  ];
  return (
    <nav className="pager" aria-label="Pages of the listing">
      {pages.map(({ label, to }) =>
        to === null ? null : (
          <button
            key={label}
            type="button"
            onClick={() => {
              navigate(to);
            }}
          >
            {label}
          </button>
        ),
      )}
      {props.children}
    </nav>
  );
}
