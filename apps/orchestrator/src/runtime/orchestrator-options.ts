import { INSTANCE_ID_PATTERN } from '@sagaflow/config';
import {
  type AnySagaDefinition,
  checkOptions,
  hasMethods,
  isNonNegativeInteger,
  isPositiveInteger,
  type Logger,
  type OptionCheck,
} from '@sagaflow/core';
import { createLogger, createMetricsRegistry, type MetricsRegistry } from '@sagaflow/observability';

import { type OrchestratorConfig } from '../config';
import { apiTokenProblems } from '../http/api-tokens';
import { newInstanceId } from './instance-id';

/** Options of {@link createOrchestrator}. */
export interface OrchestratorOptions {
  /** The configuration, from `loadOrchestratorConfig(process.env)`. Required. */
  readonly config: OrchestratorConfig;
  /**
   * Every saga definition this deployment runs — including older versions that running
   * sagas still use. Required, at least one; a name and version may appear once.
   */
  readonly definitions: readonly AnySagaDefinition[];
  /**
   * Where the runtime, the engine, the adapters and kafkajs log.
   * @defaultValue JSON lines on stdout: `createLogger({ service: config.serviceName, level: config.logLevel })`
   */
  readonly logger?: Logger;
  /**
   * The Prometheus registry `GET /metrics` serves and the orchestrator's metrics register on.
   * @defaultValue a new `createMetricsRegistry({ defaultLabels: { service: config.serviceName } })`
   */
  readonly registry?: MetricsRegistry;
  /**
   * This process among the orchestrator instances, `[A-Za-z0-9._-]`, at most 128: part of
   * the relay's Kafka transactional id (`<serviceName>-relay-<instanceId>`) and of every log
   * line. Unique per running process. A stable id (a pod name) lets a restarted instance
   * fence its predecessor's open transaction at once instead of waiting for it to time out.
   * @defaultValue `config.instanceId` (`SAGAFLOW_INSTANCE_ID`), else
   * `<host>-<pid>-<6 random hex digits>`
   */
  readonly instanceId?: string;
}

/** {@link OrchestratorOptions} with every default applied. */
export interface ResolvedOrchestratorOptions {
  readonly config: OrchestratorConfig;
  readonly definitions: readonly AnySagaDefinition[];
  readonly logger: Logger;
  readonly registry: MetricsRegistry;
  readonly instanceId: string;
}

const CONFIG_SECTIONS = ['http', 'api', 'kafka', 'mysql', 'redis', 'topics', 'admission'] as const;

/**
 * Applies the defaults of {@link OrchestratorOptions} and validates them.
 *
 * @throws InvalidArgumentError naming every bad field and its value.
 *
 * @example
 * ```ts
 * resolveOrchestratorOptions({ config, definitions: [] });
 * // InvalidArgumentError: createOrchestrator: invalid options: definitions=[] (expected a non-empty list of saga definitions)
 * ```
 */
export function resolveOrchestratorOptions(
  options: OrchestratorOptions,
): ResolvedOrchestratorOptions {
  // Checked at run time too: JavaScript callers get an error naming the field.
  const config: unknown = options.config;
  const definitions: unknown = options.definitions;
  const configValid =
    isObject(config) &&
    typeof config.serviceName === 'string' &&
    CONFIG_SECTIONS.every((section) => isObject(config[section]));
  const definitionsValid =
    Array.isArray(definitions) &&
    definitions.length > 0 &&
    definitions.every(
      (d: unknown) =>
        typeof d === 'object' &&
        d !== null &&
        typeof (d as { name?: unknown }).name === 'string' &&
        typeof (d as { version?: unknown }).version === 'number',
    );
  const configuredId =
    isObject(config) && typeof config.instanceId === 'string' ? config.instanceId : null;
  const instanceId = options.instanceId ?? configuredId ?? newInstanceId();
  checkOptions('createOrchestrator', [
    ['config', configValid ? '[config]' : config, configValid, 'an OrchestratorConfig'],
    [
      'definitions',
      definitionsValid ? '[definitions]' : definitions,
      definitionsValid,
      'a non-empty list of saga definitions',
    ],
    [
      'instanceId',
      instanceId,
      typeof instanceId === 'string' && INSTANCE_ID_PATTERN.test(instanceId),
      '1 to 128 characters [A-Za-z0-9._-]',
    ],
    [
      'logger',
      '[logger]',
      options.logger === undefined || hasMethods(options.logger, ['info', 'error', 'child']),
      'a Logger',
    ],
    [
      'registry',
      '[registry]',
      options.registry === undefined ||
        (typeof options.registry.prefix === 'string' &&
          hasMethods(options.registry.registry, ['metrics'])),
      'a MetricsRegistry (createMetricsRegistry)',
    ],
    ...(configValid ? runtimeNumberChecks(config as unknown as OrchestratorConfig) : []),
  ]);
  const { serviceName, logLevel } = options.config;
  return {
    config: options.config,
    definitions: options.definitions,
    logger: options.logger ?? createLogger({ service: serviceName, level: logLevel }),
    registry:
      options.registry ?? createMetricsRegistry({ defaultLabels: { service: serviceName } }),
    instanceId,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * The numbers the runtime hands to its components. `loadOrchestratorConfig` already checks
 * them, but a hand-built config reaches the components' own checks only after the Redis
 * connections are open, so they are checked here, before anything connects.
 */
function runtimeNumberChecks(config: OrchestratorConfig): OptionCheck[] {
  const port: unknown = config.http.port;
  const { sessionTimeoutMs, heartbeatIntervalMs, rebalanceTimeoutMs } = config.kafka;
  const { maxPendingReplies, maxInFlightSagas } = config.admission;
  return [
    [
      'config.kafka.sessionTimeoutMs',
      sessionTimeoutMs,
      isPositiveInteger(sessionTimeoutMs),
      'an integer ≥ 1',
    ],
    [
      'config.kafka.heartbeatIntervalMs',
      heartbeatIntervalMs,
      isPositiveInteger(heartbeatIntervalMs) &&
        isPositiveInteger(sessionTimeoutMs) &&
        heartbeatIntervalMs * 3 <= sessionTimeoutMs,
      'an integer ≥ 1, at most a third of config.kafka.sessionTimeoutMs',
    ],
    [
      'config.kafka.rebalanceTimeoutMs',
      rebalanceTimeoutMs,
      isPositiveInteger(rebalanceTimeoutMs),
      'an integer ≥ 1',
    ],
    [
      'config.admission.maxPendingReplies',
      maxPendingReplies,
      isNonNegativeInteger(maxPendingReplies),
      'an integer ≥ 0',
    ],
    [
      'config.admission.maxInFlightSagas',
      maxInFlightSagas,
      isNonNegativeInteger(maxInFlightSagas),
      'an integer ≥ 0',
    ],
    [
      'config.workerConcurrency',
      config.workerConcurrency,
      isPositiveInteger(config.workerConcurrency),
      'an integer ≥ 1',
    ],
    [
      'config.eventProcessLeaseMs',
      config.eventProcessLeaseMs,
      isPositiveInteger(config.eventProcessLeaseMs),
      'an integer ≥ 1',
    ],
    [
      'config.outboxPollIntervalMs',
      config.outboxPollIntervalMs,
      isPositiveInteger(config.outboxPollIntervalMs),
      'an integer ≥ 1',
    ],
    [
      'config.reconciliationIntervalMs',
      config.reconciliationIntervalMs,
      isPositiveInteger(config.reconciliationIntervalMs),
      'an integer ≥ 1',
    ],
    [
      'config.retentionMs',
      config.retentionMs,
      isPositiveInteger(config.retentionMs),
      'an integer ≥ 1',
    ],
    [
      'config.purgeIntervalMs',
      config.purgeIntervalMs,
      isPositiveInteger(config.purgeIntervalMs),
      'an integer ≥ 1',
    ],
    [
      'config.topics.partitions',
      config.topics.partitions,
      isPositiveInteger(config.topics.partitions),
      'an integer ≥ 1',
    ],
    [
      'config.api.writeRateLimitPerMinute',
      config.api.writeRateLimitPerMinute,
      isNonNegativeInteger(config.api.writeRateLimitPerMinute),
      'an integer ≥ 0',
    ],
    [
      'config.api.tokens',
      `[${Array.isArray(config.api.tokens) ? config.api.tokens.length : 0} tokens]`,
      Array.isArray(config.api.tokens) && apiTokenProblems(config.api.tokens).length === 0,
      'valid API tokens (loadOrchestratorConfig names what is wrong)',
    ],
    [
      'config.http.port',
      port,
      isNonNegativeInteger(port) && port <= 65_535,
      'a port number from 0 to 65535',
    ],
  ];
}
