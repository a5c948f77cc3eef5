import {
  checkOptions,
  type Clock,
  type DeadLetterStore,
  type DefinitionRegistry,
  hasMethods,
  type Logger,
  type SagaEngine,
  systemClock,
} from '@sagaflow/core';

import { type HttpRequestMetrics } from './http-metrics';
import { type AdmissionPort } from './ports/admission-port';
import { type DeadLetterReplayPort } from './ports/dead-letter-replay-port';
import { type FailedEventProcessPort } from './ports/failed-event-process-port';
import { type HealthCheck } from './ports/health-check';
import { type OutboxBacklogPort } from './ports/outbox-backlog-port';
import { type SagaEventFeedPort } from './ports/saga-event-feed-port';
import { type SagaQueryPort } from './ports/saga-query-port';

/** The part of `SagaEngine` the API drives. */
export type SagaEnginePort = Pick<
  SagaEngine,
  'start' | 'act' | 'recordRedelivery' | 'getState' | 'getHistory'
>;

/** The part of `DefinitionRegistry` the API reads. */
export type DefinitionCatalog = Pick<DefinitionRegistry, 'get' | 'list'>;

/** What `GET /metrics` serves: a prom-client `Registry` fits. */
export interface MetricsSource {
  /** The exposition format's content type. */
  readonly contentType: string;
  /** The metrics in the exposition format. */
  metrics(): Promise<string>;
}

/** What {@link createHttpApi} runs on. */
export interface HttpApiDeps {
  /**
   * Starts sagas, applies operator actions, records redeliveries in saga histories, reads
   * state and history.
   */
  readonly engine: SagaEnginePort;
  /** The registered definitions: listing, graphs, and the step list of a saga view. */
  readonly definitions: DefinitionCatalog;
  /** Listing and statistics. */
  readonly sagas: SagaQueryPort;
  /** The dead-letter table. */
  readonly deadLetters: DeadLetterStore;
  /** Re-publishes a dead letter. */
  readonly deadLetterReplay: DeadLetterReplayPort;
  /** FAILED EventProcess records: listed, counted, retried. */
  readonly failedEventProcess: FailedEventProcessPort;
  /** The saga events in their global order: what `GET /events/stream` polls. */
  readonly events: SagaEventFeedPort;
  /**
   * The outbox backlog, reported by `GET /stats`.
   * @defaultValue not reported
   */
  readonly outbox?: OutboxBacklogPort;
  /**
   * Whether requests and new sagas are taken now: `SERVICE_STARTING` (503) before the event
   * store is open, `SAGA_START_REFUSED` (429) over a backlog bound.
   * @defaultValue everything admitted
   */
  readonly admission?: AdmissionPort;
  /** What `GET /ready` checks (Kafka, the replies consumer, MySQL, Redis). */
  readonly healthChecks: readonly HealthCheck[];
  /** What `GET /metrics` serves. */
  readonly metrics: MetricsSource;
  /**
   * Counts every request answered, by method, route pattern and status code.
   * @defaultValue not counted
   */
  readonly requestMetrics?: HttpRequestMetrics;
  /** Where request lines, operator actions and failures are logged, with the request id. */
  readonly logger: Logger;
  /**
   * The time of statistics windows and of replay stamps.
   * @defaultValue the system clock
   */
  readonly clock?: Clock;
}

/** {@link HttpApiDeps} with the defaults applied. */
export interface ResolvedHttpApiDeps extends Omit<
  HttpApiDeps,
  'clock' | 'outbox' | 'admission' | 'requestMetrics'
> {
  readonly clock: Clock;
  readonly outbox: OutboxBacklogPort | null;
  readonly admission: AdmissionPort;
  readonly requestMetrics: HttpRequestMetrics | null;
}

const admitAll: AdmissionPort = {
  admitRequest: () => ({ admitted: true }),
  admitStart: () => Promise.resolve({ admitted: true }),
};

/**
 * Checks that every port has its methods (a wiring mistake fails at start-up, not at the
 * first request) and applies the defaults.
 *
 * @throws InvalidArgumentError naming each port that lacks a method.
 */
export function resolveHttpApiDeps(deps: HttpApiDeps): ResolvedHttpApiDeps {
  const ports: readonly (readonly [string, unknown, readonly string[]])[] = [
    ['engine', deps.engine, ['start', 'act', 'recordRedelivery', 'getState', 'getHistory']],
    ['definitions', deps.definitions, ['get', 'list']],
    ['sagas', deps.sagas, ['list', 'counts', 'stats', 'timeline']],
    ['deadLetters', deps.deadLetters, ['get', 'list', 'markReplayed']],
    ['deadLetterReplay', deps.deadLetterReplay, ['replay']],
    ['failedEventProcess', deps.failedEventProcess, ['listFailed', 'retry']],
    ['events', deps.events, ['readAfter', 'lastId']],
    ['metrics', deps.metrics, ['metrics']],
    ['logger', deps.logger, ['debug', 'info', 'warn', 'error', 'child']],
    ...(deps.outbox === undefined ? [] : [['outbox', deps.outbox, ['pendingCount']] as const]),
    ...(deps.clock === undefined ? [] : [['clock', deps.clock, ['now']] as const]),
    ...(deps.requestMetrics === undefined
      ? []
      : [['requestMetrics', deps.requestMetrics, ['recordHttpRequest']] as const]),
    ...(deps.admission === undefined
      ? []
      : [['admission', deps.admission, ['admitRequest', 'admitStart']] as const]),
  ];
  checkOptions('createHttpApi', [
    ...ports.map(([field, port, methods]) => {
      const missing = missingMethods(port, methods);
      return [
        field,
        { missing },
        missing.length === 0,
        `an object with ${methods.map((m) => `${m}()`).join(', ')}`,
      ] as const;
    }),
    [
      'healthChecks',
      '[checks]',
      Array.isArray(deps.healthChecks) &&
        (deps.healthChecks as readonly unknown[]).every(isHealthCheck),
      'a list of { name, check() }',
    ],
  ]);
  return {
    ...deps,
    clock: deps.clock ?? systemClock,
    outbox: deps.outbox ?? null,
    admission: deps.admission ?? admitAll,
    requestMetrics: deps.requestMetrics ?? null,
  };
}

/** The methods `value` lacks, as `name()`. */
function missingMethods(value: unknown, methods: readonly string[]): string[] {
  const record =
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  return methods.filter((method) => typeof record[method] !== 'function').map((m) => `${m}()`);
}

function isHealthCheck(value: unknown): boolean {
  if (!hasMethods(value, ['check'])) return false;
  const { name } = value as { name?: unknown };
  return typeof name === 'string' && name !== '';
}
