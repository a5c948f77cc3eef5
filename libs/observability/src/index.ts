/**
 * @packageDocumentation
 * Structured logging (winston, JSON lines, redaction), the kafkajs log bridge, Prometheus
 * metrics and correlation ids.
 */
export * from './create-logger';
export * from './structured-logger';
export * from './sanitize-log-value';
export * from './with-correlation';
export * from './kafka-log-creator';
export * from './create-metrics-registry';
