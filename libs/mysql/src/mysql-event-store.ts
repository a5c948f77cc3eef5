import {
  type AppendRequest,
  checkAppendBatch,
  checkAppendRequest,
  checkOptions,
  type Clock,
  ConcurrencyError,
  DuplicateBusinessKeyError,
  type EventStore,
  InvalidArgumentError,
  isNonNegativeInteger,
  type Logger,
  noopLogger,
  type OutboxMessage,
  type SagaState,
  type StoredSagaEvent,
  type StreamRange,
  systemClock,
} from '@sagaflow/core';
import { type DataSource } from 'typeorm';

import { retryOnDeadlock } from './is-duplicate-key-error';
import { eventProcessDone } from './mark-event-process-done';
import { OutboxWriter } from './outbox-writer';
import {
  commitInOneRoundTrip,
  runStatements,
  type SqlStatement,
  takesMultipleStatements,
} from './sql-statement';
import { chunkRows, toIso, truncate } from './sql-values';

/** Options of {@link MySqlEventStore}. */
export interface MySqlEventStoreOptions {
  /**
   * Stamps `recorded_at` of the events, `created_at` of the outbox rows and `updated_at`
   * of the `processed` EventProcess mark.
   * @defaultValue the system clock
   */
  readonly clock?: Clock;
  /**
   * How many more times an append chosen as a deadlock victim (`ER_LOCK_DEADLOCK`) is run
   * before the error is thrown. The server rolled it back, so running it again is safe.
   * @defaultValue `3`
   */
  readonly maxDeadlockRetries?: number;
  /**
   * Where errors thrown by {@link MySqlEventStore.onCommitted} listeners are logged.
   * @defaultValue `noopLogger`
   */
  readonly logger?: Logger;
}

/** {@link MySqlEventStoreOptions} with every default applied. */
type ResolvedMySqlEventStoreOptions = Required<MySqlEventStoreOptions>;

/** Applies the defaults of {@link MySqlEventStoreOptions} and validates them. */
function resolveEventStoreOptions(options: MySqlEventStoreOptions): ResolvedMySqlEventStoreOptions {
  const o: ResolvedMySqlEventStoreOptions = {
    clock: options.clock ?? systemClock,
    maxDeadlockRetries: options.maxDeadlockRetries ?? 3,
    logger: options.logger ?? noopLogger,
  };
  checkOptions('MySqlEventStore', [
    ['clock', o.clock, typeof o.clock.now === 'function', 'a Clock with now()'],
    [
      'maxDeadlockRetries',
      o.maxDeadlockRetries,
      isNonNegativeInteger(o.maxDeadlockRetries),
      'an integer >= 0',
    ],
    ['logger', o.logger, typeof o.logger.error === 'function', 'a Logger'],
  ]);
  return o;
}

/** What an append committed; given to {@link MySqlEventStore.onCommitted} listeners. */
export interface AppendCommitted {
  readonly sagaId: string;
  /** The stream's length after the append. */
  readonly version: number;
  /** How many outbox messages the append wrote (the relay has work when > 0). */
  readonly outboxCount: number;
  /** The outbox messages it wrote, for the relay to publish right away. */
  readonly outbox: readonly OutboxMessage[];
}

/** `current_step` holds the active steps joined by `,`, cut to the column's size. */
const CURRENT_STEP_LENGTH = 191;
const FAILURE_CODE_LENGTH = 128;

/** Thrown inside the append transaction when the business key insert conflicts. */
class BusinessKeyConflict extends Error {}

/**
 * The event store in MySQL/MariaDB: `saga_event` (the streams), `saga_instance` (the state
 * projection) and the transactional `outbox`.
 *
 * One append is one transaction: the events (seq `expectedVersion + 1 …`), the projection
 * (inserted on the first append, else updated only if its version is `expectedVersion`),
 * the outbox rows and the `processed` EventProcess mark. Optimistic concurrency rests on unique
 * keys, not locks held across a decision: a second writer at the same version collides
 * on `UNIQUE (saga_id, seq)` (or finds the projection's version moved) and gets a
 * `ConcurrencyError`; a second saga with the same business key collides on
 * `UNIQUE (saga_type, business_key)` and gets a `DuplicateBusinessKeyError` naming the
 * owner. Deadlock victims are run again up to `maxDeadlockRetries` times. On a data source
 * created with `multipleStatements: true` an append is one query and a commit
 * (`commitInOneRoundTrip`), else a round trip per statement.
 *
 * @example
 * ```ts
 * const store = new MySqlEventStore(dataSource);
 * store.onCommitted(({ outboxCount }) => { if (outboxCount > 0) relay.wake(); });
 * await store.append({ sagaId, expectedVersion: 0, events, state, outbox });
 * ```
 */
export class MySqlEventStore implements EventStore {
  readonly #dataSource: DataSource;
  readonly #options: ResolvedMySqlEventStoreOptions;
  readonly #outbox: OutboxWriter;
  readonly #listeners = new Set<(committed: AppendCommitted) => void>();
  readonly #oneRoundTrip: boolean;

  constructor(dataSource: DataSource, options: MySqlEventStoreOptions = {}) {
    this.#dataSource = dataSource;
    this.#oneRoundTrip = takesMultipleStatements(dataSource);
    this.#options = resolveEventStoreOptions(options);
    this.#outbox = new OutboxWriter({ clock: this.#options.clock });
  }

  /**
   * Calls `listener` right after every committed append (to wake the outbox relay).
   * A listener that throws is logged, never fails the append, which is already committed.
   * Returns a function that removes the listener.
   */
  onCommitted(listener: (committed: AppendCommitted) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  async append(request: AppendRequest): Promise<void> {
    checkRequest(request);
    const statements = this.#appendStatements(request);
    try {
      await retryOnDeadlock(this.#options.maxDeadlockRetries, () => this.#commit(statements));
    } catch (error) {
      if (error instanceof BusinessKeyConflict) throw await this.#businessKeyError(request, error);
      throw error;
    }
    this.#notify({
      sagaId: request.sagaId,
      version: request.expectedVersion + request.events.length,
      outboxCount: request.outbox.length,
      outbox: request.outbox,
    });
  }

  /**
   * One transaction for a consumed batch's decisions: the events of every request in
   * multi-row inserts, one projection update per saga (guarded by the version its first
   * request read), the outbox rows together, and the `processed` marks with one statement
   * per consumer. A lost optimistic lock anywhere rolls all of it back (`ConcurrencyError`
   * for the batch's first saga: the caller applies the inputs one by one to find out more).
   */
  async appendBatch(requests: readonly AppendRequest[]): Promise<void> {
    checkAppendBatch(requests);
    for (const request of requests) checkRequest(request);
    const statements = this.#batchStatements(requests);
    await retryOnDeadlock(this.#options.maxDeadlockRetries, () => this.#commit(statements));
    for (const saga of sagasOf(requests)) {
      this.#notify({
        sagaId: saga.sagaId,
        version: saga.last.state.version,
        outboxCount: saga.outbox.length,
        outbox: saga.outbox,
      });
    }
  }

  async readStream(sagaId: string, range: StreamRange = {}): Promise<readonly StoredSagaEvent[]> {
    const { afterSeq = 0, limit } = range;
    // The primary key (saga_id, seq) serves the range and the order.
    const rows = await this.#dataSource.query<{ seq: number; event: string; recorded_at: Date }[]>(
      `SELECT seq, event, recorded_at FROM saga_event WHERE saga_id = ? AND seq > ? ORDER BY seq
       ${limit === undefined ? '' : 'LIMIT ?'}`,
      limit === undefined ? [sagaId, afterSeq] : [sagaId, afterSeq, limit],
    );
    return rows.map((row) => ({
      sagaId,
      seq: row.seq,
      event: JSON.parse(row.event) as StoredSagaEvent['event'],
      recordedAt: toIso(row.recorded_at),
    }));
  }

  async findByBusinessKey(sagaType: string, businessKey: string): Promise<string | null> {
    const rows = await this.#dataSource.query<{ saga_id: string }[]>(
      'SELECT saga_id FROM saga_instance WHERE saga_type = ? AND business_key = ?',
      [sagaType, businessKey],
    );
    return rows[0]?.saga_id ?? null;
  }

  async loadState(sagaId: string): Promise<SagaState | null> {
    const rows = await this.#dataSource.query<{ state: string }[]>(
      'SELECT state FROM saga_instance WHERE saga_id = ?',
      [sagaId],
    );
    const row = rows[0];
    return row === undefined ? null : (JSON.parse(row.state) as SagaState);
  }

  /**
   * One transaction: in one round trip and a commit when the data source takes multiple
   * statements (the orchestrator's does), else statement by statement.
   */
  async #commit(statements: readonly SqlStatement[]): Promise<void> {
    if (this.#oneRoundTrip) {
      await commitInOneRoundTrip(this.#dataSource, statements);
    } else {
      await this.#dataSource.transaction((manager) => runStatements(manager, statements));
    }
  }

  #appendStatements(request: AppendRequest): SqlStatement[] {
    const { sagaId, expectedVersion, state, outbox, processed } = request;
    const now = this.#options.clock.now();
    const conflict = (cause: unknown) => new ConcurrencyError(sagaId, expectedVersion, { cause });
    return [
      // The unique (saga_id, seq) key is the optimistic lock: a concurrent writer at the
      // same version waits on our uncommitted rows, then collides.
      ...eventInserts([request], now, conflict),
      // A stream shorter than expectedVersion took seq expectedVersion + 1 without
      // colliding; the projection's version catches it.
      ...(expectedVersion === 0
        ? [projectionInsert(state, conflict)]
        : projectionUpdates([{ state, expectedVersion }], conflict)),
      ...this.#outbox.inserts(outbox),
      ...(processed === undefined
        ? []
        : [eventProcessDone(processed.consumer, processed.messageId, now)]),
    ];
  }

  #batchStatements(requests: readonly AppendRequest[]): SqlStatement[] {
    const now = this.#options.clock.now();
    const first = requests[0];
    const conflict = (cause: unknown) =>
      new ConcurrencyError(first?.sagaId ?? '', first?.expectedVersion ?? 0, {
        cause,
        context: { sagas: requests.length },
      });
    const sagas = sagasOf(requests).map(({ first: firstOfSaga, last }) => ({
      state: last.state,
      expectedVersion: firstOfSaga.expectedVersion,
    }));
    const processed = new Map<string, string[]>();
    for (const { processed: mark } of requests) {
      if (mark === undefined) continue;
      processed.set(mark.consumer, [...(processed.get(mark.consumer) ?? []), mark.messageId]);
    }
    return [
      ...eventInserts(requests, now, conflict),
      ...projectionUpdates(sagas, conflict),
      ...this.#outbox.inserts(requests.flatMap((r) => r.outbox)),
      ...[...processed].map(([consumer, messageIds]) =>
        eventProcessDone(consumer, messageIds, now),
      ),
    ];
  }

  /** After the rollback, reads who owns the business key (the winner has committed). */
  async #businessKeyError(request: AppendRequest, conflict: BusinessKeyConflict): Promise<Error> {
    const { sagaType, businessKey } = request.state;
    const owner = businessKey === null ? null : await this.findByBusinessKey(sagaType, businessKey);
    if (owner === null || businessKey === null || owner === request.sagaId) {
      return new ConcurrencyError(request.sagaId, request.expectedVersion, {
        cause: conflict.cause,
      });
    }
    return new DuplicateBusinessKeyError(sagaType, businessKey, owner, { cause: conflict.cause });
  }

  #notify(committed: AppendCommitted): void {
    for (const listener of this.#listeners) {
      try {
        listener(committed);
      } catch (error) {
        this.#options.logger.error('an onCommitted listener of MySqlEventStore threw', {
          sagaId: committed.sagaId,
          error,
        });
      }
    }
  }
}

/** Column sizes of `saga_instance`: longer values are refused before any write. */
const SAGA_ID_LENGTH = 64;
const SAGA_TYPE_LENGTH = 64;
const BUSINESS_KEY_LENGTH = 191;

/** The column sizes, then the port's own checks (`checkAppendRequest`). */
function checkRequest(request: AppendRequest): void {
  const { sagaId, state } = request;
  checkLength('sagaId', sagaId, SAGA_ID_LENGTH);
  checkLength('state.sagaType', state.sagaType, SAGA_TYPE_LENGTH);
  if (state.businessKey !== null) {
    checkLength('state.businessKey', state.businessKey, BUSINESS_KEY_LENGTH);
  }
  checkAppendRequest(request);
}

function checkLength(field: string, value: string, max: number): void {
  if (value.length === 0 || value.length > max) {
    throw new InvalidArgumentError(field, value, `must have 1 to ${max} characters`);
  }
}

/**
 * Replaces the saga's projection with `state` if its version is still `expectedVersion`;
 * false when it is not (another writer moved it: a lost optimistic lock).
 */
/** The first projection row of a saga; a duplicate key is its business key's, or a race's. */
function projectionInsert(state: SagaState, conflict: (cause: unknown) => Error): SqlStatement {
  const projection = projectionOf(state);
  return {
    sql: `INSERT INTO saga_instance (saga_id, saga_type, saga_version, business_key, status,
            current_step, data, state, version, failure_code, started_at, updated_at, ended_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    params: [
      state.sagaId,
      state.sagaType,
      state.sagaVersion,
      state.businessKey,
      projection.status,
      projection.currentStep,
      projection.data,
      projection.state,
      projection.version,
      projection.failureCode,
      new Date(state.startedAt),
      projection.updatedAt,
      projection.endedAt,
    ],
    // Our seq 1 went in, so the saga id is new: the conflict is on the business key.
    onDuplicate: (cause) =>
      state.businessKey === null ? conflict(cause) : new BusinessKeyConflict('', { cause }),
  };
}

/**
 * Updates the projections of sagas (distinct ids), each row only at its expected version;
 * a row at another version fails its statement's check with `conflict`. One saga takes a
 * plain single-row `UPDATE`; more join a derived table of the new rows (`UNION ALL`, which
 * MySQL and MariaDB both take) to `saga_instance` on the id and the expected version, in
 * statements of bounded size.
 */
function projectionUpdates(
  sagas: readonly { readonly state: SagaState; readonly expectedVersion: number }[],
  conflict: (cause: unknown) => Error,
): SqlStatement[] {
  const rows = sagas.map(({ state, expectedVersion }) => {
    const p = projectionOf(state);
    return [
      p.status,
      p.currentStep,
      p.data,
      p.state,
      p.version,
      p.failureCode,
      p.updatedAt,
      p.endedAt,
      state.sagaId,
      expectedVersion,
    ] as const;
  });
  const [only] = rows;
  if (rows.length === 1 && only !== undefined) {
    return [
      {
        sql: `UPDATE saga_instance
                 SET status = ?, current_step = ?, data = ?, state = ?, version = ?,
                     failure_code = ?, updated_at = ?, ended_at = ?
               WHERE saga_id = ? AND version = ?`,
        params: only,
        affects: { rows: 1, otherwise: () => conflict(undefined) },
      },
    ];
  }
  const chunks = chunkRows(rows, PROJECTION_ROWS_PER_UPDATE, PROJECTION_CHARS_PER_UPDATE, (row) => {
    return row[2].length + row[3].length + 300;
  });
  return chunks.map((chunk) => ({
    sql: `UPDATE saga_instance s
            JOIN (${chunk
              .map((_, index) =>
                index === 0
                  ? `SELECT ? AS status, ? AS current_step, ? AS data, ? AS state, ? AS version,
                            ? AS failure_code, ? AS updated_at, ? AS ended_at, ? AS saga_id,
                            ? AS expected_version`
                  : 'SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?',
              )
              .join(' UNION ALL ')}) n
              ON s.saga_id = n.saga_id AND s.version = n.expected_version
             SET s.status = n.status, s.current_step = n.current_step, s.data = n.data,
                 s.state = n.state, s.version = n.version, s.failure_code = n.failure_code,
                 s.updated_at = n.updated_at, s.ended_at = n.ended_at`,
    params: chunk.flat(),
    affects: { rows: chunk.length, otherwise: () => conflict(undefined) },
  }));
}

function projectionOf(state: SagaState) {
  return {
    status: state.status,
    currentStep:
      state.activeSteps.length === 0
        ? null
        : truncate(state.activeSteps.join(','), CURRENT_STEP_LENGTH),
    data: JSON.stringify(state.data),
    state: JSON.stringify(state),
    version: state.version,
    failureCode: state.failure === null ? null : truncate(state.failure.code, FAILURE_CODE_LENGTH),
    updatedAt: new Date(state.updatedAt),
    endedAt: state.endedAt === null ? null : new Date(state.endedAt),
  };
}

/**
 * The events of the requests, multi-row, in statements of bounded size; a duplicate
 * `(saga_id, seq)` — a lost optimistic lock — is `conflict(cause)`.
 */
function eventInserts(
  requests: readonly AppendRequest[],
  now: Date,
  conflict: (cause: unknown) => Error,
): SqlStatement[] {
  const rows = requests.flatMap(({ sagaId, expectedVersion, events }) =>
    events.map((event, index) => [
      sagaId,
      expectedVersion + index + 1,
      event.type,
      JSON.stringify(event),
      now,
    ]),
  );
  return chunkRows(rows, EVENT_ROWS_PER_INSERT, EVENT_CHARS_PER_INSERT, eventChars).map(
    (chunk) => ({
      sql: 'INSERT INTO saga_event (saga_id, seq, type, event, recorded_at) VALUES ?',
      params: [chunk],
      onDuplicate: conflict,
    }),
  );
}

/** Events per multi-row insert, and the statement's size bound. */
const EVENT_ROWS_PER_INSERT = 500;
const PROJECTION_ROWS_PER_UPDATE = 200;
const PROJECTION_CHARS_PER_UPDATE = 4_000_000;
const EVENT_CHARS_PER_INSERT = 4_000_000;

function eventChars(row: readonly unknown[]): number {
  const event = row[3];
  return (typeof event === 'string' ? event.length : 0) + 200;
}

/** The requests of each saga of a batch (consecutive, as `checkAppendBatch` ensures). */
function sagasOf(requests: readonly AppendRequest[]): {
  readonly sagaId: string;
  readonly first: AppendRequest;
  readonly last: AppendRequest;
  readonly outbox: readonly OutboxMessage[];
}[] {
  const sagas: {
    sagaId: string;
    first: AppendRequest;
    last: AppendRequest;
    outbox: OutboxMessage[];
  }[] = [];
  for (const request of requests) {
    const current = sagas.at(-1);
    if (current?.sagaId === request.sagaId) {
      current.last = request;
      current.outbox.push(...request.outbox);
    } else {
      sagas.push({
        sagaId: request.sagaId,
        first: request,
        last: request,
        outbox: [...request.outbox],
      });
    }
  }
  return sagas;
}
