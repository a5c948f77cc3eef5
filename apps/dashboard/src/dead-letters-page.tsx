import { type ReactNode, type SyntheticEvent, useState } from 'react';

import { ApiError, type DeadLetter, type DeadLetterFilters } from './api-client';
import { ResourceData, ResourceError } from './api-resource-view';
import { formatTime } from './format';
import { Pager, TextField } from './listing-controls';
import { ReasonedConfirmation, type SendResult } from './reasoned-confirmation';
import { Link, navigate } from './router';
import { useSession } from './session';
import { useApiResource } from './use-api-resource';

/** What a replay answered, shown above the list (the replayed one may leave a filtered list). */
interface Outcome {
  readonly ok: boolean;
  readonly text: string;
}

/** The replayed filter's choices, in the URL as `replayed=true|false` or absent. */
const REPLAYED_CHOICES: readonly { readonly value: boolean | null; readonly label: string }[] = [
  { value: null, label: 'All' },
  { value: false, label: 'Not replayed' },
  { value: true, label: 'Replayed' },
];

/** The listing's filters, read from the URL (`?replayed=false&reasonCode=&topic=&sagaId=&beforeId=`). */
function filtersOf(search: URLSearchParams): DeadLetterFilters {
  const replayed = search.get('replayed');
  return {
    replayed: replayed === 'true' ? true : replayed === 'false' ? false : null,
    reasonCode: search.get('reasonCode') ?? '',
    topic: search.get('topic') ?? '',
    sagaId: search.get('sagaId') ?? '',
  };
}

/** The URL of a listing: filters first, then the page's `beforeId`. */
function listingPath(filters: DeadLetterFilters, beforeId: string | null): string {
  const query = new URLSearchParams();
  if (filters.replayed !== null) query.set('replayed', String(filters.replayed));
  if (filters.reasonCode !== '') query.set('reasonCode', filters.reasonCode);
  if (filters.topic !== '') query.set('topic', filters.topic);
  if (filters.sagaId !== '') query.set('sagaId', filters.sagaId);
  if (beforeId !== null) query.set('beforeId', beforeId);
  const text = query.toString();
  return text === '' ? '/dead-letters' : `/dead-letters?${text}`;
}

/**
 * The orchestrator's dead letters, newest first: each with its reason, where it came from,
 * its saga, its payload and its last replay; filters (replayed, reason code, topic, saga)
 * and paging in the URL, like the saga listing. Operators replay one with a reason and a
 * confirmation.
 */
export function DeadLettersPage(props: { readonly search: URLSearchParams }): ReactNode {
  const filters = filtersOf(props.search);
  const beforeId = props.search.get('beforeId');
  const key = listingPath(filters, beforeId);
  const page = useApiResource((api) => api.listDeadLetters(filters, beforeId), key);
  // Kept with the listing it was sent from: another listing does not show it.
  const [outcome, setOutcome] = useState<(Outcome & { readonly key: string }) | null>(null);
  const report = (next: Outcome): void => {
    setOutcome({ ...next, key });
    page.reload();
  };
  const nextBeforeId = page.data?.nextBeforeId ?? null;
  return (
    <>
      <h1>Dead letters</h1>
      <p className="muted">
        Messages the orchestrator could not use, newest first. A replay puts one back on its topic;
        its consumer drops what it processed already.
      </p>
      <FilterForm key={listingPath(filters, null)} filters={filters} />
      {outcome?.key === key ? (
        <p className={outcome.ok ? 'ok' : 'error'} role="alert">
          {outcome.text}
        </p>
      ) : null}
      <ResourceError resource={page} />
      <ResourceData
        resource={page}
        empty={{
          when: (data) => data.items.length === 0,
          text: 'No dead letter matches these filters.',
        }}
      >
        {(data) => (
          <ol className="dead-letters" data-testid="dead-letters">
            {data.items.map((deadLetter) => (
              <DeadLetterItem key={deadLetter.id} deadLetter={deadLetter} onOutcome={report} />
            ))}
          </ol>
        )}
      </ResourceData>
      <Pager
        firstPage={beforeId === null ? null : listingPath(filters, null)}
        nextPage={nextBeforeId === null ? null : listingPath(filters, nextBeforeId)}
      />
    </>
  );
}

function FilterForm(props: { readonly filters: DeadLetterFilters }): ReactNode {
  const [replayed, setReplayed] = useState(props.filters.replayed);
  const [reasonCode, setReasonCode] = useState(props.filters.reasonCode);
  const [topic, setTopic] = useState(props.filters.topic);
  const [sagaId, setSagaId] = useState(props.filters.sagaId);
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    navigate(
      listingPath(
        { replayed, reasonCode: reasonCode.trim(), topic: topic.trim(), sagaId: sagaId.trim() },
        null,
      ),
    );
  };
  return (
    <form className="filters card" onSubmit={submit} aria-label="Filters">
      <fieldset>
        <legend>Replayed</legend>
        {REPLAYED_CHOICES.map((choice) => (
          <label key={choice.label} className="check">
            <input
              type="radio"
              name="replayed"
              checked={replayed === choice.value}
              onChange={() => {
                setReplayed(choice.value);
              }}
            />
            {choice.label}
          </label>
        ))}
      </fieldset>
      <TextField
        label="Reason code"
        name="reasonCode"
        value={reasonCode}
        maxLength={64}
        onChange={setReasonCode}
        placeholder="MESSAGE_UNDECODABLE"
      />
      <TextField label="Topic" name="topic" value={topic} maxLength={249} onChange={setTopic} />
      <TextField label="Saga id" name="sagaId" value={sagaId} maxLength={64} onChange={setSagaId} />
      <button type="submit">Apply filters</button>
    </form>
  );
}

function DeadLetterItem(props: {
  readonly deadLetter: DeadLetter;
  readonly onOutcome: (outcome: Outcome) => void;
}): ReactNode {
  const session = useSession();
  const { deadLetter } = props;
  return (
    <li className="dead-letter" data-dead-letter-id={deadLetter.id}>
      <div className="dead-letter-head">
        <strong className="mono">{deadLetter.reason.code}</strong>
        <ReplayedLabel deadLetter={deadLetter} />
        <span className="muted">#{deadLetter.id}</span>
      </div>
      <p className="dead-letter-message">{deadLetter.reason.message}</p>
      <dl className="dead-letter-facts">
        <dt>Topic</dt>
        <dd>
          <span className="mono">{deadLetter.sourceTopic}</span> · partition {deadLetter.partition}{' '}
          · offset {deadLetter.offset}
        </dd>
        <dt>Failed</dt>
        <dd>
          <time dateTime={deadLetter.failedAt}>{formatTime(deadLetter.failedAt)}</time>
        </dd>
        <dt>Saga</dt>
        <dd>
          {deadLetter.sagaId === null ? (
            <span className="muted">not known</span>
          ) : (
            <Link to={`/sagas/${encodeURIComponent(deadLetter.sagaId)}`} className="mono">
              {deadLetter.sagaId}
            </Link>
          )}
        </dd>
        <dt>Consumer</dt>
        <dd>{deadLetter.consumer}</dd>
        {deadLetter.messageId === null ? null : (
          <>
            <dt>Message</dt>
            <dd className="mono">{deadLetter.messageId}</dd>
          </>
        )}
        {deadLetter.replayedAt === null ? null : (
          <>
            <dt>Replayed</dt>
            <dd data-testid="replay-stamp">
              by <strong>{deadLetter.replayedBy ?? 'someone unnamed'}</strong> at{' '}
              <time dateTime={deadLetter.replayedAt}>{formatTime(deadLetter.replayedAt)}</time>
              {deadLetter.replayReason === null
                ? ', no reason given'
                : `: “${deadLetter.replayReason}”`}
            </dd>
          </>
        )}
      </dl>
      <Payload deadLetter={deadLetter} />
      {session.mayAct ? <ReplayAction deadLetter={deadLetter} onOutcome={props.onOutcome} /> : null}
    </li>
  );
}

/** Replayed or not, in words beside the colour. */
function ReplayedLabel(props: { readonly deadLetter: DeadLetter }): ReactNode {
  const replayed = props.deadLetter.replayedAt !== null;
  return (
    <span
      className={`status ${replayed ? 'status-ok' : 'status-warn'}`}
      data-replayed={String(replayed)}
    >
      <span className="status-dot" aria-hidden="true" />
      {replayed ? 'Replayed' : 'Not replayed'}
    </span>
  );
}

/** The record as it arrived: key, value (indented when it is JSON) and headers. */
function Payload(props: { readonly deadLetter: DeadLetter }): ReactNode {
  const { key, value, valueTruncated, headers } = props.deadLetter;
  return (
    <details className="dead-letter-payload">
      <summary>Payload{valueTruncated ? ' (cut short when recorded)' : ''}</summary>
      <p className="muted">Key: {key === null ? 'none' : <span className="mono">{key}</span>}</p>
      <pre className="payload">{value === null ? '(no value: a tombstone)' : readable(value)}</pre>
      {Object.keys(headers).length === 0 ? null : (
        <>
          <p className="muted">Headers</p>
          <pre className="payload">{JSON.stringify(headers, null, 2)}</pre>
        </>
      )}
    </details>
  );
}

/** A value indented when it parses as JSON, as is when not (what made it a dead letter). */
function readable(value: string): string {
  try {
    return JSON.stringify(JSON.parse(value), null, 2);
  } catch {
    return value;
  }
}

/**
 * Replay: a reason, a confirmation, then the call. One replayed before is sent with `force`
 * ("Replay again"); one replayed by someone else since the page loaded is refused (409).
 */
function ReplayAction(props: {
  readonly deadLetter: DeadLetter;
  readonly onOutcome: (outcome: Outcome) => void;
}): ReactNode {
  const session = useSession();
  const { deadLetter } = props;
  // Whether it was replayed when the operator chose to, sent as `force`; null: not chosen.
  const [force, setForce] = useState<boolean | null>(null);

  const send = async (reason: string, forced: boolean): Promise<SendResult> => {
    try {
      const replayed = await session.api.replayDeadLetter(deadLetter.id, reason, forced);
      setForce(null);
      props.onOutcome({
        ok: true,
        text: `Dead letter #${deadLetter.id} replayed onto ${deadLetter.sourceTopic} by ${replayed.replayedBy ?? session.caller.name} with the reason “${reason}”.`,
      });
      return 'done';
    } catch (caught: unknown) {
      if (caught instanceof ApiError && caught.status === 401) {
        session.expired(caught);
        return 'done';
      }
      if (caught instanceof ApiError && caught.status === 409) {
        setForce(null);
        props.onOutcome({
          ok: false,
          text: `Refused: ${caught.describe()}. Dead letter #${deadLetter.id} was replayed since this page showed it; the list now shows by whom. Use “Replay again” if it must go once more.`,
        });
        return 'done';
      }
      props.onOutcome({
        ok: false,
        text: `Dead letter #${deadLetter.id} was not replayed: ${caught instanceof ApiError ? caught.describe() : String(caught)}`,
      });
      return 'edit';
    }
  };

  if (force === null) {
    return (
      <div className="action-buttons">
        <button
          type="button"
          className={deadLetter.replayedAt === null ? undefined : 'secondary'}
          onClick={() => {
            setForce(deadLetter.replayedAt !== null);
          }}
        >
          {deadLetter.replayedAt === null ? 'Replay' : 'Replay again'}
        </button>
      </div>
    );
  }
  return (
    <ReasonedConfirmation
      reasonLabel="Reason for the replay (stored with who replayed it, and in the saga's history)"
      confirmLabel="Confirm replay"
      question={(reason) => (
        <>
          {force ? 'Replay again' : 'Replay'} dead letter #{deadLetter.id} (
          <span className="mono">{deadLetter.reason.code}</span>) onto{' '}
          <span className="mono">{deadLetter.sourceTopic}</span>
          {force ? ', replayed before,' : ''} with the reason “{reason}”?
        </>
      )}
      onSend={(reason) => send(reason, force)}
      onCancel={() => {
        setForce(null);
      }}
    />
  );
}
