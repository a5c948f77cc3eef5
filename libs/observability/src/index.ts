/**
 * @packageDocumentation
 * Logging and metrics for the orchestrator, the participant SDK, the examples and any
 * runtime wired by hand: JSON-line logs with secrets redacted (core's `Logger` port),
 * correlation ids on log lines, the kafkajs log bridge, and a Prometheus registry.
 *
 * Entry points: {@link createLogger}, {@link withCorrelation}, {@link kafkaLogCreator} and
 * {@link createMetricsRegistry}.
 */
export { createLogger, type LoggerOptions } from './create-logger';
export { StructuredLogger } from './structured-logger';
export { type CorrelationIds, withCorrelation } from './with-correlation';
export { type KafkaLogCreator, kafkaLogCreator, type LevelLogger } from './kafka-log-creator';
export {
  createMetricsRegistry,
  type MetricsRegistry,
  type MetricsRegistryOptions,
} from './create-metrics-registry';
