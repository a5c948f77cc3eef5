import { type SagaEvent, type SagaEventEntry } from './api-types';
import { type Colour, type Style } from './render';

/** The width of the type column: the longest event type known (`OperatorActionRecorded`). */
const TYPE_WIDTH = 22;
/** The width of the seq column: sagas of up to 9999 events line up. */
const SEQ_WIDTH = 4;

/**
 * The colour of an event type: failures red, compensation magenta, successes green, an
 * operator's actions cyan, ignored inputs dim. Types this CLI does not know are not painted.
 */
export function eventColour(type: string): Colour | null {
  switch (type) {
    case 'AttemptFailed':
    case 'StepFailed':
    case 'CompensationFailed':
      return 'red';
    case 'RetryScheduled':
      return 'yellow';
    case 'CompensationStarted':
    case 'StepCompensated':
    case 'SagaCompensated':
      return 'magenta';
    case 'StepSucceeded':
    case 'SagaCompleted':
      return 'green';
    case 'OperatorActionRecorded':
    case 'MessageRedelivered':
      return 'cyan';
    case 'InputIgnored':
      return 'dim';
    default:
      return null;
  }
}

/**
 * The key facts of an event in one line: the step, direction and attempt, the failure's
 * kind, code and message, the operator's actor and reason, and so on per type. An event type
 * this CLI does not know shows its plain fields as `name=value`.
 *
 * @example
 * ```ts
 * eventFacts({ type: 'OperatorActionRecorded', action: 'retry-compensation', step: null,
 *   actor: 'ops', reason: 'credit hold lifted' });
 * // 'retry-compensation by ops: "credit hold lifted"'
 * ```
 */
export function eventFacts(event: SagaEvent): string {
  const e = fieldsOf(event);
  switch (event.type) {
    case 'SagaStarted':
      return joined(
        `${e.text('sagaType')} v${e.text('sagaVersion')}`,
        e.has('businessKey') ? `business key ${e.text('businessKey')}` : null,
      );
    case 'CommandDispatched':
      return `${e.text('step')} ${e.text('direction')} attempt ${e.text('attempt')} → ${e.text('participant')} ${e.text('command')}`;
    case 'StepSucceeded':
      return `${e.text('step')} attempt ${e.text('attempt')}`;
    case 'AttemptFailed':
      return `${e.text('step')} ${e.text('direction')} attempt ${e.text('attempt')}: ${e.failure('failure')}`;
    case 'RetryScheduled':
      return `${e.text('step')} ${e.text('direction')} attempt ${e.text('nextAttempt')} due ${e.text('dueAt')}`;
    case 'StepFailed':
    case 'CompensationFailed':
      return `${e.text('step')}: ${e.failure('failure')}`;
    case 'CompensationStarted':
      return compensationStarted(e);
    case 'StepCompensated':
      return joined(
        `${e.text('step')} attempt ${e.text('attempt')}`,
        e.has('replyId') ? null : 'resolved by hand',
      );
    case 'OperatorActionRecorded':
      return `${e.text('action')}${e.has('step') ? ` of ${e.text('step')}` : ''} by ${e.text('actor')}: ${JSON.stringify(e.text('reason'))}`;
    case 'MessageRedelivered':
      return joined(
        `${e.text('kind')} of message ${e.has('messageId') ? e.text('messageId') : '(unknown id)'} of ${e.text('consumer')}`,
        e.has('deadLetterId') ? `dead letter ${e.text('deadLetterId')}` : null,
        `by ${e.text('actor')}: ${JSON.stringify(e.text('reason'))}`,
      );
    case 'InputIgnored':
      return joined(
        `${e.text('input')} ${e.text('inputId')}`,
        e.has('step') ? `step ${e.text('step')}` : null,
        e.has('attempt') ? `attempt ${e.text('attempt')}` : null,
        `ignored: ${e.text('reason')}`,
      );
    case 'SagaCompleted':
    case 'SagaCompensated':
      return '';
    default:
      return Object.entries(event)
        .filter(([name, value]) => !['type', 'v', 'at'].includes(name) && isPlain(value))
        .map(([name, value]) => `${name}=${String(value)}`)
        .join(' ');
  }
}

function compensationStarted(e: EventFields): string {
  const cause = fieldsOf(e.object('cause'));
  const why =
    cause.text('kind') === 'aborted'
      ? `aborted by ${cause.text('actor')}: ${JSON.stringify(cause.text('reason'))}`
      : `${cause.text('step')} failed (${fieldsOf(cause.object('failure')).text('code')})`;
  const toCompensate = e.list('toCompensate');
  const awaiting = e.list('awaiting');
  return joined(
    why,
    `to compensate: ${toCompensate.length === 0 ? 'none' : toCompensate.join(', ')}`,
    awaiting.length === 0 ? null : `awaiting: ${awaiting.join(', ')}`,
  );
}

/**
 * One line of a timeline: seq, time, event type, facts. The columns have fixed widths, so
 * lines printed one at a time (`watch`) line up with those printed together.
 *
 * @example
 * ```ts
 * timelineLine(entry, style);
 * // '  12  2024-05-01T10:00:01.234Z  CompensationFailed      reserve-credit: technical HANDLER_FAILED: …'
 * ```
 */
export function timelineLine(entry: SagaEventEntry, style: Style): string {
  const type = style.paint(entry.type.padEnd(TYPE_WIDTH), eventColour(entry.type));
  const facts = eventFacts(entry.event);
  return `${String(entry.seq).padStart(SEQ_WIDTH)}  ${entry.recordedAt}  ${type}  ${facts}`.trimEnd();
}

/** A saga's history, one {@link timelineLine} per event, under a header. */
export function renderTimeline(entries: readonly SagaEventEntry[], style: Style): string[] {
  const header = `${'SEQ'.padStart(SEQ_WIDTH)}  ${'TIME'.padEnd(24)}  ${'EVENT'.padEnd(TYPE_WIDTH)}  FACTS`;
  return [header, ...entries.map((entry) => timelineLine(entry, style))];
}

function joined(...parts: (string | null)[]): string {
  return parts.filter((part): part is string => part !== null && part !== '').join(', ');
}

function isPlain(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** Reads an event's fields whatever their shape: a missing field reads as `?`. */
interface EventFields {
  /** True when the field is there and not null. */
  has(name: string): boolean;
  text(name: string): string;
  list(name: string): string[];
  object(name: string): Readonly<Record<string, unknown>>;
  /** A failure field as `kind CODE: message`. */
  failure(name: string): string;
}

function fieldsOf(value: Readonly<Record<string, unknown>>): EventFields {
  const fields: EventFields = {
    has: (name) => value[name] !== undefined && value[name] !== null,
    text: (name) => {
      const field = value[name];
      return isPlain(field) ? String(field) : '?';
    },
    list: (name) => {
      const field = value[name];
      return Array.isArray(field) ? field.map((item) => (isPlain(item) ? String(item) : '?')) : [];
    },
    object: (name) => {
      const field = value[name];
      return typeof field === 'object' && field !== null && !Array.isArray(field)
        ? (field as Record<string, unknown>)
        : {};
    },
    failure: (name) => {
      const failure = fieldsOf(fields.object(name));
      return `${failure.text('kind')} ${failure.text('code')}: ${failure.text('message')}`;
    },
  };
  return fields;
}
