import { checkOptions, isAscendingPositiveList, isNonEmptyString } from '@sagaflow/core';
import { type MetricsRegistry } from '@sagaflow/observability';
import { Counter, Histogram, type Registry } from 'prom-client';

import { type ParticipantObserver } from './participant-observer';

/**
 * Seconds: one command is a claim, the handler's queries and one transaction — milliseconds
 * normally, seconds when the database is slow or a lock is waited for.
 */
export const HANDLER_DURATION_BUCKETS_SECONDS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/** Options of {@link createParticipantPrometheusMetrics}. */
export interface ParticipantPrometheusMetricsOptions {
  /** The `participant` label of every series: the participant's `name`. */
  readonly participant: string;
  /**
   * Upper bounds of the `participant_handler_duration_seconds` buckets, ascending, in
   * seconds.
   * @defaultValue {@link HANDLER_DURATION_BUCKETS_SECONDS}
   */
  readonly handlerDurationBuckets?: readonly number[];
}

/**
 * What a `code` or `reason` label may hold; anything else (an error message used as a code,
 * say) is counted as `OTHER`, so one bad code cannot create a series per message.
 */
const CODE_LABEL = /^[A-Za-z0-9_.:-]{1,64}$/;
const OTHER = 'OTHER';

/**
 * Prometheus metrics for a participant: pass the result as its `observer` option. It
 * registers, on `metricsRegistry` (from `createMetricsRegistry`, which also collects the
 * Node.js process metrics), named `<prefix>participant_…`:
 *
 * | metric | type | labels |
 * | --- | --- | --- |
 * | `participant_commands_total` | counter | `participant`, `message_type`, `direction`, `outcome` |
 * | `participant_handler_duration_seconds` | histogram | `participant`, `message_type`, `direction` |
 * | `participant_duplicates_total` | counter | `participant`, `reason` (redelivered, step-applied) |
 * | `participant_failures_total` | counter | `participant`, `message_type`, `kind` (business, technical, retry), `code` |
 * | `participant_dead_letters_total` | counter | `participant`, `reason` |
 * | `participant_jobs_lost_total` | counter | `participant`, `queue` |
 *
 * Label values stay few: `message_type` is one of the participant's handlers (the consumer
 * dead-letters other types), `outcome`, `direction`, `kind` and `reason` are closed sets,
 * `queue` is one of its two BullMQ queues, and `code` is a `BusinessError` reason or an
 * error code — keep handlers' reasons a fixed set. A `code` or dead-letter `reason` that
 * does not look like a code (over 64 characters, or characters outside
 * `[A-Za-z0-9_.:-]`) is counted as `OTHER`. The hooks never throw: an invalid count or
 * duration is skipped.
 *
 * Call it once per registry and participant name: prom-client refuses a second metric of
 * the same name on one registry.
 *
 * @throws InvalidArgumentError when an option is invalid.
 *
 * @example
 * ```ts
 * const metricsRegistry = createMetricsRegistry({ defaultLabels: { service: 'payment-service' } });
 * const participant = createParticipant({
 *   name: 'payment-service',
 *   observer: createParticipantPrometheusMetrics(metricsRegistry, { participant: 'payment-service' }),
 *   ...
 * });
 * // GET /metrics:
 * response.setHeader('content-type', metricsRegistry.registry.contentType);
 * response.end(await metricsRegistry.registry.metrics());
 * ```
 */
export function createParticipantPrometheusMetrics(
  metricsRegistry: MetricsRegistry,
  options: ParticipantPrometheusMetricsOptions,
): Required<ParticipantObserver> {
  const participant = options.participant;
  const buckets = options.handlerDurationBuckets ?? HANDLER_DURATION_BUCKETS_SECONDS;
  checkOptions('createParticipantPrometheusMetrics', [
    ['participant', participant, isNonEmptyString(participant), 'a non-empty string'],
    [
      'handlerDurationBuckets',
      buckets,
      isAscendingPositiveList(buckets),
      'a non-empty ascending list of positive numbers',
    ],
  ]);

  const { registry, prefix } = metricsRegistry;
  const registers: Registry[] = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L | 'participant'>({
      name: `${prefix}participant_${name}`,
      help,
      labelNames: ['participant', ...labelNames],
      registers,
    });
  const commands = counter('commands_total', 'Commands answered, by outcome.', [
    'message_type',
    'direction',
    'outcome',
  ]);
  const handlerDuration = new Histogram<'participant' | 'message_type' | 'direction'>({
    name: `${prefix}participant_handler_duration_seconds`,
    help: 'Time from starting a command run to committing its reply (a batch shares its time).',
    labelNames: ['participant', 'message_type', 'direction'],
    buckets: [...buckets],
    registers,
  });
  const duplicates = counter(
    'duplicates_total',
    'Duplicates discarded: redelivered messages and new attempts of applied steps.',
    ['reason'],
  );
  const failures = counter(
    'failures_total',
    'Failed command runs: answered (business, technical) or tried again (retry).',
    ['message_type', 'kind', 'code'],
  );
  const deadLetters = counter('dead_letters_total', 'Consumed records sent to the dead letters.', [
    'reason',
  ]);
  const jobsLost = counter(
    'jobs_lost_total',
    'BullMQ jobs whose Redis keys were gone when they finished (recovery queues them again).',
    ['queue'],
  );

  return {
    onHandled({ messageType, direction, outcome, durationMs }) {
      const labels = { participant, message_type: messageType, direction };
      commands.inc({ ...labels, outcome });
      if (typeof durationMs === 'number' && Number.isFinite(durationMs) && durationMs >= 0) {
        handlerDuration.observe(labels, durationMs / 1000);
      }
    },
    onDuplicate({ reason, count }) {
      if (isCount(count)) duplicates.inc({ participant, reason }, count);
    },
    onFailure({ messageType, kind, code }) {
      failures.inc({ participant, message_type: messageType, kind, code: codeLabel(code) });
    },
    onDeadLetter({ reasonCode }) {
      deadLetters.inc({ participant, reason: codeLabel(reasonCode) });
    },
    onJobLost({ queue }) {
      jobsLost.inc({ participant, queue });
    },
  };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

function codeLabel(code: unknown): string {
  return typeof code === 'string' && CODE_LABEL.test(code) ? code : OTHER;
}
