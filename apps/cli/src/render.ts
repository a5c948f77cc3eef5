import {
  type DeadLetter,
  type DeadLetterPage,
  type SagaPage,
  type SagaStepView,
  type SagaView,
  type StepFailure,
} from './api-types';

/** The colours the CLI uses; every coloured text is a label that reads without it. */
export type Colour = 'red' | 'green' | 'yellow' | 'cyan' | 'magenta' | 'dim';

const ANSI: Readonly<Record<Colour, readonly [open: number, close: number]>> = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  magenta: [35, 39],
  dim: [2, 22],
};

/** How text is written to the terminal: coloured, or plain. */
export interface Style {
  readonly colour: boolean;
  /** `text` in `colour` (unchanged when colours are off or `colour` is null). */
  paint(text: string, colour: Colour | null): string;
}

/**
 * Colours when standard output is a terminal and `NO_COLOR` is unset or empty
 * (https://no-color.org); plain text otherwise, for pipes and files.
 *
 * @example
 * ```ts
 * terminalStyle(process.stdout.isTTY, process.env).paint('COMPLETED', 'green');
 * ```
 */
export function terminalStyle(
  isTty: boolean,
  env: Readonly<Record<string, string | undefined>>,
): Style {
  const colour = isTty && (env.NO_COLOR ?? '') === '';
  return {
    colour,
    paint: (text, name) => {
      if (!colour || name === null || text === '') return text;
      const [open, close] = ANSI[name];
      return `\u001b[${open}m${text}\u001b[${close}m`;
    },
  };
}

/** The colour of a saga or step status. */
export function statusColour(status: string): Colour | null {
  switch (status) {
    case 'COMPLETED':
    case 'SUCCEEDED':
      return 'green';
    case 'RUNNING':
      return 'cyan';
    case 'COMPENSATING':
    case 'WAITING_RETRY':
    case 'COMPENSATION_WAITING_RETRY':
      return 'yellow';
    case 'COMPENSATED':
      return 'magenta';
    case 'FAILED':
    case 'COMPENSATION_FAILED':
      return 'red';
    case 'PENDING':
      return 'dim';
    default:
      return null;
  }
}

/** A table cell: text, and the colour it is painted in. */
export type Cell = string | { readonly text: string; readonly colour: Colour | null };

/**
 * Columns separated by two spaces, each as wide as its widest cell (the last one not
 * padded), with an upper-case header; colours are applied after the padding, so they never
 * shift a column.
 *
 * @example
 * ```ts
 * formatColumns(['id', 'status'], [['s-1', { text: 'RUNNING', colour: 'cyan' }]], style);
 * // ['ID   STATUS', 's-1  RUNNING']
 * ```
 */
export function formatColumns(
  header: readonly string[],
  rows: readonly (readonly Cell[])[],
  style: Style,
): string[] {
  const textOf = (cell: Cell | undefined): string =>
    cell === undefined ? '' : typeof cell === 'string' ? cell : cell.text;
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => textOf(row[i]).length)),
  );
  const line = (cells: readonly Cell[]): string =>
    widths
      .map((width, i) => {
        const cell = cells[i];
        const text = textOf(cell);
        const padded = i === widths.length - 1 ? text : text.padEnd(width);
        return typeof cell === 'object' ? style.paint(padded, cell.colour) : padded;
      })
      .join('  ')
      .trimEnd();
  return [line(header.map((title) => title.toUpperCase())), ...rows.map(line)];
}

/**
 * How long ago `iso` was, in at most two units: `45s`, `12m 5s`, `3h 12m`, `2d 4h`; `0s`
 * for a time ahead of `now` (clocks differ a little).
 *
 * @example
 * ```ts
 * formatAge('2024-05-01T10:00:00Z', new Date('2024-05-01T13:12:30Z')); // '3h 12m'
 * ```
 */
export function formatAge(iso: string, now: Date): string {
  const ms = now.getTime() - Date.parse(iso);
  if (!Number.isFinite(ms)) return '?';
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const parts: readonly (readonly [number, string])[] = [
    [Math.floor(seconds / 86_400), 'd'],
    [Math.floor((seconds % 86_400) / 3600), 'h'],
    [Math.floor((seconds % 3600) / 60), 'm'],
    [seconds % 60, 's'],
  ];
  const first = parts.findIndex(([amount]) => amount > 0);
  if (first === -1) return '0s';
  return parts
    .slice(first, first + 2)
    .filter(([amount]) => amount > 0)
    .map(([amount, unit]) => `${amount}${unit}`)
    .join(' ');
}

/** An ISO-8601 time without its milliseconds: `2024-05-01T10:00:00Z`. */
export function formatTime(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z');
}

/** A failure as `kind CODE: message`. */
export function formatFailure(failure: StepFailure): string {
  return `${failure.kind} ${failure.code}: ${failure.message}`;
}

/** The table of `sagaflow list`: id, type, status, active steps, started, updated age. */
export function renderSagaPage(page: SagaPage, now: Date, style: Style): string[] {
  if (page.items.length === 0) return ['no saga matches'];
  const rows = page.items.map((saga): Cell[] => [
    saga.sagaId,
    `${saga.sagaType} v${saga.sagaVersion}`,
    { text: saga.status, colour: statusColour(saga.status) },
    saga.activeSteps.length === 0 ? '-' : saga.activeSteps.join(','),
    formatTime(saga.startedAt),
    `${formatAge(saga.updatedAt, now)} ago`,
  ]);
  return formatColumns(['id', 'type', 'status', 'active steps', 'started', 'updated'], rows, style);
}

/** A saga's state: the header fields, then one line per step of its definition. */
export function renderSagaView(saga: SagaView, now: Date, style: Style): string[] {
  const when = (iso: string | null): string =>
    iso === null ? '-' : `${iso} (${formatAge(iso, now)} ago)`;
  const failure =
    saga.failure === null
      ? '-'
      : `${saga.failure.step ?? '(aborted)'} ${saga.failure.code}: ${saga.failure.message}`;
  const fields: [string, string][] = [
    ['saga', saga.sagaId],
    ['type', `${saga.sagaType} v${saga.sagaVersion}`],
    ['business key', saga.businessKey ?? '-'],
    ['status', `${style.paint(saga.status, statusColour(saga.status))} (version ${saga.version})`],
    ['failure', failure],
    ['active steps', saga.activeSteps.length === 0 ? '-' : saga.activeSteps.join(', ')],
    ['started', when(saga.startedAt)],
    ['updated', when(saga.updatedAt)],
    ['ended', when(saga.endedAt)],
  ];
  const width = Math.max(...fields.map(([name]) => name.length));
  return [
    ...fields.map(([name, value]) => `${name.padEnd(width)}  ${value}`),
    '',
    ...renderSteps(saga.steps, style),
  ];
}

function renderSteps(steps: readonly SagaStepView[], style: Style): string[] {
  if (steps.length === 0) return ['no steps known'];
  const rows = steps.map((step): Cell[] => [
    step.name,
    step.kind ?? '-',
    { text: step.status, colour: statusColour(step.status) },
    String(step.attempt),
    String(step.compensationAttempt),
    step.lastFailure === null ? '' : formatFailure(step.lastFailure),
  ]);
  return formatColumns(
    ['step', 'kind', 'status', 'attempts', 'compensations', 'last failure'],
    rows,
    style,
  );
}

/** The table of `sagaflow dead-letters`. */
export function renderDeadLetterPage(page: DeadLetterPage, style: Style): string[] {
  if (page.items.length === 0) return ['no dead letter matches'];
  const rows = page.items.map((letter): Cell[] => [
    letter.id,
    formatTime(letter.failedAt),
    letter.sourceTopic,
    { text: letter.reason.code, colour: 'red' },
    letter.sagaId ?? '-',
    letter.replayedAt === null
      ? 'no'
      : `${formatTime(letter.replayedAt)} by ${letter.replayedBy ?? '?'}`,
  ]);
  return formatColumns(['id', 'failed', 'topic', 'reason', 'saga', 'replayed'], rows, style);
}

/** One dead letter: where it came from, why it failed, its headers and value. */
export function renderDeadLetter(letter: DeadLetter, style: Style): string[] {
  const fields: [string, string][] = [
    ['dead letter', letter.id],
    ['consumer', letter.consumer],
    ['source', `${letter.sourceTopic} partition ${letter.partition} offset ${letter.offset}`],
    ['key', letter.key ?? '-'],
    ['message id', letter.messageId ?? '-'],
    ['saga', letter.sagaId ?? '-'],
    ['failed', letter.failedAt],
    ['reason', `${style.paint(letter.reason.code, 'red')}: ${letter.reason.message}`],
    [
      'replayed',
      letter.replayedAt === null ? 'no' : `${letter.replayedAt} by ${letter.replayedBy ?? '?'}`,
    ],
  ];
  const width = Math.max(...fields.map(([name]) => name.length));
  const headers = Object.entries(letter.headers);
  return [
    ...fields.map(([name, value]) => `${name.padEnd(width)}  ${value}`),
    '',
    headers.length === 0 ? 'headers: none' : 'headers:',
    ...headers.map(([name, value]) => `  ${name}: ${value}`),
    '',
    letter.value === null
      ? 'value: none (a tombstone)'
      : `value${letter.valueTruncated ? ' (truncated)' : ''}:`,
    ...(letter.value === null ? [] : [readableValue(letter.value)]),
  ];
}

/** A dead letter's value, indented as JSON when it is JSON. */
function readableValue(value: string): string {
  try {
    return JSON.stringify(JSON.parse(value), null, 2);
  } catch {
    return value;
  }
}
