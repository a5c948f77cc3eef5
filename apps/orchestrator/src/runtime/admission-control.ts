import {
  checkOptions,
  describeError,
  isNonNegativeInteger,
  isPositiveInteger,
  type Logger,
  noopLogger,
  notifyObserver,
} from '@sagaflow/core';

import {
  type AdmissionDecision,
  type AdmissionPort,
  type RefusalReason,
} from '../http/ports/admission-port';

/** The backlog admission control bounds, as the orchestrator's database counts it. */
export interface Backlog {
  /** EventProcess records RECEIVED or PROCESSING: replies recorded, not applied yet. */
  readonly pendingReplies: number;
  /** Sagas RUNNING or COMPENSATING. */
  readonly inFlightSagas: number;
}

/** The bounds {@link decideAdmission} applies; 0 turns one off. */
export interface AdmissionBounds {
  readonly maxPendingReplies: number;
  readonly maxInFlightSagas: number;
}

/** Options of {@link AdmissionControl}. */
export interface AdmissionControlOptions {
  /** Counts the backlog (in production two `COUNT(*)` over indexed statuses). Required. */
  readonly readBacklog: () => Promise<Backlog>;
  /**
   * New sagas are refused while this many replies or more wait to be applied; 0 = no bound.
   * @defaultValue `10000`
   */
  readonly maxPendingReplies?: number;
  /**
   * New sagas are refused while this many sagas or more are in flight; 0 = no bound.
   * @defaultValue `0`
   */
  readonly maxInFlightSagas?: number;
  /**
   * How old the counted backlog may be before it is counted again, in ms, 10–60000: one
   * count per interval at most, whatever the request rate; requests that arrive while a
   * count runs share it.
   * @defaultValue `500`
   */
  readonly refreshIntervalMs?: number;
  /**
   * The `Retry-After` of a start refused over a bound, in seconds, 1–3600. (While the
   * instance starts it is 1.)
   * @defaultValue `2`
   */
  readonly retryAfterSeconds?: number;
  /**
   * Called for each start refused over a bound, with the reason (metrics). An error it
   * throws is logged and ignored.
   * @defaultValue none
   */
  readonly onRefused?: (reason: Exclude<RefusalReason, 'starting'>) => void;
  /** Where a failing count is logged. @defaultValue `noopLogger` */
  readonly logger?: Logger;
  /** Monotonic milliseconds. @defaultValue `performance.now()` */
  readonly now?: () => number;
}

interface ResolvedAdmissionControlOptions {
  readonly readBacklog: () => Promise<Backlog>;
  readonly bounds: AdmissionBounds;
  readonly refreshIntervalMs: number;
  readonly retryAfterSeconds: number;
  readonly onRefused: (reason: Exclude<RefusalReason, 'starting'>) => void;
  readonly logger: Logger;
  readonly now: () => number;
}

/** Until the event store opens, which takes well under a second after the start. */
const STARTING_RETRY_AFTER_SECONDS = 1;
const ADMITTED: AdmissionDecision = { admitted: true };
const MAX_BOUND = 100_000_000;

/**
 * The admission decision for a new saga, pure: refused when a bound that is on (> 0) is
 * reached by its count, pending replies checked first. An unknown backlog (not counted yet,
 * or the count failed) admits: the start itself needs MySQL, and fails on its own if MySQL
 * is down.
 *
 * @example
 * ```ts
 * decideAdmission({ pendingReplies: 12_000, inFlightSagas: 40 }, { maxPendingReplies: 10_000, maxInFlightSagas: 0 }, 2);
 * // { admitted: false, reason: 'pending-replies', count: 12000, bound: 10000, retryAfterSeconds: 2 }
 * ```
 */
export function decideAdmission(
  backlog: Backlog | null,
  bounds: AdmissionBounds,
  retryAfterSeconds: number,
): AdmissionDecision {
  if (backlog === null) return ADMITTED;
  const over: readonly [Exclude<RefusalReason, 'starting'>, number, number][] = [
    ['pending-replies', backlog.pendingReplies, bounds.maxPendingReplies],
    ['in-flight-sagas', backlog.inFlightSagas, bounds.maxInFlightSagas],
  ];
  for (const [reason, count, bound] of over) {
    if (bound > 0 && count >= bound) {
      return { admitted: false, reason, count, bound, retryAfterSeconds };
    }
  }
  return ADMITTED;
}

/**
 * Admission control of the orchestrator's HTTP API ({@link AdmissionPort}): requests that
 * need the database wait for {@link open} (the instance listens before it connects, so
 * that probes answer at once), and new sagas are refused while the backlog — replies not
 * applied yet, sagas in flight — is at or above its bound. The backlog is counted at most
 * every `refreshIntervalMs`, never per request; the same cached count feeds the backlog
 * gauges ({@link backlog}).
 *
 * @example
 * ```ts
 * const admission = new AdmissionControl({
 *   readBacklog: async () => ({
 *     pendingReplies: await eventProcess.countPending('orchestrator'),
 *     inFlightSagas: await queries.countActive(),
 *   }),
 *   maxPendingReplies: config.admission.maxPendingReplies,
 * });
 * const http = createHttpApi({ ...deps, admission });
 * await dataSource.initialize();
 * admission.open();
 * ```
 */
export class AdmissionControl implements AdmissionPort {
  readonly #options: ResolvedAdmissionControlOptions;
  #open = false;
  #counted: { readonly backlog: Backlog | null; readonly atMs: number } | null = null;
  #counting: Promise<Backlog | null> | null = null;
  #countFailing = false;

  /** @throws InvalidArgumentError naming each bad option. */
  constructor(options: AdmissionControlOptions) {
    this.#options = resolveAdmissionControlOptions(options);
  }

  /** True once {@link open} was called. */
  get isOpen(): boolean {
    return this.#open;
  }

  /** The event store is open: requests are served, and the backlog can be counted. */
  open(): void {
    this.#open = true;
  }

  admitRequest(): AdmissionDecision {
    return this.#open
      ? ADMITTED
      : {
          admitted: false,
          reason: 'starting',
          retryAfterSeconds: STARTING_RETRY_AFTER_SECONDS,
          count: null,
          bound: null,
        };
  }

  async admitStart(): Promise<AdmissionDecision> {
    const request = this.admitRequest();
    const { bounds, retryAfterSeconds } = this.#options;
    if (!request.admitted) return request;
    if (bounds.maxPendingReplies === 0 && bounds.maxInFlightSagas === 0) return ADMITTED;
    const decision = decideAdmission(await this.backlog(), bounds, retryAfterSeconds);
    if (!decision.admitted && decision.reason !== 'starting') {
      notifyObserver(this.#options, 'onRefused', decision.reason, {
        logger: this.#options.logger,
        component: 'admission control',
      });
    }
    return decision;
  }

  /**
   * The backlog, counted at most `refreshIntervalMs` ago (counted now otherwise, one count
   * shared by every caller). Null before {@link open}, and while counting fails.
   */
  async backlog(): Promise<Backlog | null> {
    if (!this.#open) return null;
    const counted = this.#counted;
    if (counted !== null && this.#options.now() - counted.atMs < this.#options.refreshIntervalMs) {
      return counted.backlog;
    }
    this.#counting ??= this.#count().finally(() => {
      this.#counting = null;
    });
    return this.#counting;
  }

  async #count(): Promise<Backlog | null> {
    const { readBacklog, logger, now } = this.#options;
    const atMs = now();
    let backlog: Backlog | null = null;
    try {
      backlog = await readBacklog();
      if (this.#countFailing) logger.info('backlog counted again: admission control resumes');
      this.#countFailing = false;
    } catch (error: unknown) {
      // Logged once per failing stretch, not at every refresh.
      if (!this.#countFailing) {
        logger.warn('counting the backlog failed: new sagas are admitted until it counts again', {
          error: describeError(error),
        });
      }
      this.#countFailing = true;
    }
    this.#counted = { backlog, atMs };
    return backlog;
  }
}

function resolveAdmissionControlOptions(
  options: AdmissionControlOptions,
): ResolvedAdmissionControlOptions {
  const resolved: ResolvedAdmissionControlOptions = {
    readBacklog: options.readBacklog,
    bounds: {
      maxPendingReplies: options.maxPendingReplies ?? 10_000,
      maxInFlightSagas: options.maxInFlightSagas ?? 0,
    },
    refreshIntervalMs: options.refreshIntervalMs ?? 500,
    retryAfterSeconds: options.retryAfterSeconds ?? 2,
    onRefused: options.onRefused ?? (() => undefined),
    logger: options.logger ?? noopLogger,
    now: options.now ?? (() => performance.now()),
  };
  const { bounds, refreshIntervalMs, retryAfterSeconds } = resolved;
  const isBound = (value: number): boolean => isNonNegativeInteger(value) && value <= MAX_BOUND;
  checkOptions('AdmissionControl', [
    ['readBacklog', '[value]', typeof resolved.readBacklog === 'function', 'a function'],
    [
      'maxPendingReplies',
      bounds.maxPendingReplies,
      isBound(bounds.maxPendingReplies),
      `an integer from 0 to ${MAX_BOUND}`,
    ],
    [
      'maxInFlightSagas',
      bounds.maxInFlightSagas,
      isBound(bounds.maxInFlightSagas),
      `an integer from 0 to ${MAX_BOUND}`,
    ],
    [
      'refreshIntervalMs',
      refreshIntervalMs,
      isPositiveInteger(refreshIntervalMs) &&
        refreshIntervalMs >= 10 &&
        refreshIntervalMs <= 60_000,
      'an integer from 10 to 60000',
    ],
    [
      'retryAfterSeconds',
      retryAfterSeconds,
      isPositiveInteger(retryAfterSeconds) && retryAfterSeconds <= 3600,
      'an integer from 1 to 3600',
    ],
    ['onRefused', '[value]', typeof resolved.onRefused === 'function', 'a function'],
    ['now', '[value]', typeof resolved.now === 'function', 'a function'],
  ]);
  return resolved;
}
