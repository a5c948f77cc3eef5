import { type ReactNode, type SyntheticEvent, useId, useState } from 'react';

/** What became of a send: `done` (the caller moves on), `edit` (back to the reason, kept). */
export type SendResult = 'done' | 'edit';

/**
 * The way every admin action is sent: a reason (required, up to 2,000 characters), a review
 * that says exactly what will be sent, then the call. While it runs the confirm button is
 * disabled; `onSend` answers whether the operator is done or goes back to edit the reason.
 *
 * @example
 * ```tsx
 * <ReasonedConfirmation
 *   reasonLabel="Reason for abort"
 *   confirmLabel="Confirm abort"
 *   question={(reason) => <>Abort saga {sagaId} with the reason “{reason}”?</>}
 *   onSend={async (reason) => { await api.act(sagaId, 'abort', reason, version); return 'done'; }}
 *   onCancel={close}
 * />
 * ```
 */
export function ReasonedConfirmation(props: {
  readonly reasonLabel: string;
  readonly confirmLabel: string;
  /** The sentence the operator confirms, for the reason given (trimmed). */
  readonly question: (reason: string) => ReactNode;
  readonly onSend: (reason: string) => Promise<SendResult>;
  readonly onCancel: () => void;
}): ReactNode {
  const reasonId = useId();
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [sending, setSending] = useState(false);
  const trimmed = reason.trim();

  const review = (event: SyntheticEvent): void => {
    event.preventDefault();
    if (trimmed !== '') setConfirming(true);
  };
  const send = async (): Promise<void> => {
    setSending(true);
    try {
      if ((await props.onSend(trimmed)) === 'edit') setConfirming(false);
    } finally {
      setSending(false);
    }
  };

  if (confirming) {
    return (
      <div className="confirm">
        <p>{props.question(trimmed)}</p>
        <button
          type="button"
          disabled={sending}
          onClick={() => {
            void send();
          }}
        >
          {sending ? 'Sending…' : props.confirmLabel}
        </button>{' '}
        <button type="button" className="secondary" disabled={sending} onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    );
  }
  return (
    <form onSubmit={review}>
      <label htmlFor={reasonId}>{props.reasonLabel}</label>
      <textarea
        id={reasonId}
        value={reason}
        maxLength={2000}
        required
        onChange={(event) => {
          setReason(event.target.value);
        }}
      />
      <button type="submit">Review</button>{' '}
      <button type="button" className="secondary" onClick={props.onCancel}>
        Cancel
      </button>
    </form>
  );
}
