import { DefinitionRegistry } from '@sagaflow/core';
import {
  createSagaTestKit,
  InMemoryDeadLetterStore,
  InMemoryEventProcessStore,
  RecordingLogger,
  type SagaTestKit,
} from '@sagaflow/core/testing';
import { createMetricsRegistry, type MetricsRegistry } from '@sagaflow/observability';
import { type FastifyInstance, type InjectOptions, type LightMyRequestResponse } from 'fastify';

import { metricsObserver } from '../../metrics/metrics-observer';
import {
  createOrchestratorMetrics,
  type OrchestratorMetrics,
} from '../../metrics/orchestrator-metrics';
import { type ApiRole, type ApiToken, hashApiToken } from '../api-tokens';
import { createHttpApi } from '../create-http-api';
import { type HttpApiDeps } from '../http-api-deps';
import { type HttpApiOptions } from '../http-api-options';
import { type HealthCheck } from '../ports/health-check';
import { InMemoryDeadLetterReplay } from './in-memory-dead-letters';
import { InMemoryFailedEventProcess } from './in-memory-failed-event-process';
import { InMemorySagaEventFeed } from './in-memory-saga-event-feed';
import { InMemorySagaQueries } from './in-memory-saga-queries';
import { ledger, transferSaga } from './transfer-saga';

/** The fixture's API tokens by name: each token is `sf_test_<name>`. */
export const FIXTURE_ROLES = {
  viewer: 'viewer',
  'ops-ann': 'operator',
  'ops-bob': 'operator',
  admin: 'admin',
} as const satisfies Record<string, ApiRole>;

/** The name of one of the fixture's tokens. */
export type FixtureTokenName = keyof typeof FIXTURE_ROLES;

/** The bearer token of a fixture token name. */
export function fixtureToken(name: FixtureTokenName): string {
  return `sf_test_${name}`;
}

/** The fixture's tokens, as `apiTokens` takes them. */
export const FIXTURE_TOKENS: readonly ApiToken[] = Object.entries(FIXTURE_ROLES).map(
  ([name, role]) => ({ name, role, sha256: hashApiToken(fixtureToken(name as FixtureTokenName)) }),
);

/** The API on the real engine (test kit: in-memory adapters, manual clock) and fakes. */
export interface HttpApiFixture {
  readonly app: FastifyInstance;
  /**
   * `app.inject` with `Authorization: Bearer` of the named fixture token (`ops-ann`, an
   * operator, by default); `null` sends none.
   */
  inject(options: InjectOptions, as?: FixtureTokenName | null): Promise<LightMyRequestResponse>;
  /** What the app was created with. */
  readonly deps: HttpApiDeps;
  /** The engine, its store and clock; `runUntilIdle` delivers commands and replies. */
  readonly kit: SagaTestKit;
  readonly balances: Map<string, number>;
  readonly logger: RecordingLogger;
  readonly deadLetters: InMemoryDeadLetterStore;
  readonly replay: InMemoryDeadLetterReplay;
  /** The EventProcess table whose FAILED records `GET /event-process/failed` lists. */
  readonly eventProcess: InMemoryEventProcessStore;
  /** The FAILED records of {@link eventProcess}, and what was retried. */
  readonly failedEventProcess: InMemoryFailedEventProcess;
  /** What `GET /events/stream` reads: record events in it. */
  readonly eventFeed: InMemorySagaEventFeed;
  readonly metrics: OrchestratorMetrics;
  readonly metricsRegistry: MetricsRegistry;
}

/** What a spec may change in the fixture. */
export interface HttpApiFixtureOptions {
  readonly healthChecks?: readonly HealthCheck[];
  /** Options of the API; `apiTokens` is {@link FIXTURE_TOKENS} unless given. */
  readonly options?: HttpApiOptions;
  /** Deps that replace the fixture's. */
  readonly deps?: Partial<HttpApiDeps>;
  /** Wire no outbox port: `GET /stats` then leaves the backlog out. */
  readonly withoutOutbox?: boolean;
}

/** Builds the fixture; close `app` after the test. */
export function createHttpApiFixture(fixtureOptions: HttpApiFixtureOptions = {}): HttpApiFixture {
  const metricsRegistry = createMetricsRegistry({ defaultMetrics: false });
  const logger = new RecordingLogger();
  const { participants, balances } = ledger();
  const eventProcess = new InMemoryEventProcessStore({
    clock: { now: () => new Date('2030-01-01T00:00:00.000Z') },
  });
  const failedEventProcess = new InMemoryFailedEventProcess(eventProcess);
  const metrics = createOrchestratorMetrics(metricsRegistry, {
    eventProcessFailed: () => failedEventProcess.countFailed(),
  });
  const kit = createSagaTestKit({
    definitions: [transferSaga],
    participants,
    observer: metricsObserver(metrics),
  });
  const deadLetters = new InMemoryDeadLetterStore();
  const replay = new InMemoryDeadLetterReplay();
  const eventFeed = new InMemorySagaEventFeed();
  const deps: HttpApiDeps = {
    engine: kit.engine,
    definitions: new DefinitionRegistry().register(transferSaga),
    sagas: new InMemorySagaQueries(kit.eventStore),
    deadLetters,
    deadLetterReplay: replay,
    failedEventProcess,
    events: eventFeed,
    ...(fixtureOptions.withoutOutbox === true ? {} : { outbox: kit.eventStore.outbox }),
    healthChecks: fixtureOptions.healthChecks ?? [],
    metrics: metricsRegistry.registry,
    logger,
    clock: kit.clock,
    ...fixtureOptions.deps,
  };
  const app = createHttpApi(deps, { apiTokens: FIXTURE_TOKENS, ...fixtureOptions.options });
  return {
    app,
    inject: (options, as = 'ops-ann') =>
      app.inject({
        ...options,
        headers: {
          ...options.headers,
          ...(as === null ? {} : { authorization: `Bearer ${fixtureToken(as)}` }),
        },
      }),
    deps,
    kit,
    balances,
    logger,
    deadLetters,
    replay,
    eventProcess,
    failedEventProcess,
    eventFeed,
    metrics,
    metricsRegistry,
  };
}

/** The body of an error response. */
export interface ErrorJson {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly details?: { readonly issues?: readonly string[] } & Readonly<Record<string, unknown>>;
  };
}
