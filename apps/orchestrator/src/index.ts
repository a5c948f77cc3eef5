/**
 * @packageDocumentation
 * The orchestrator service: engine wiring, status and admin HTTP API, consumers, outbox relay.
 */
export * from './http/create-http-api';
export * from './http/http-api-deps';
export * from './http/http-api-options';
export * from './http/error-response';
export type * from './http/saga-view';
export type * from './http/run-health-checks';
export type * from './http/routes/definition-routes';
export type * from './http/routes/stats-routes';
export type * from './http/ports/saga-query-port';
export type * from './http/ports/failed-event-process-port';
export type * from './http/ports/dead-letter-replay-port';
export type * from './http/ports/outbox-backlog-port';
export type * from './http/ports/health-check';
export type * from './http/ports/admission-port';
export * from './http/errors';
export * from './metrics/orchestrator-metrics';
export * from './metrics/orchestrator-metrics-options';
export * from './metrics/metrics-observer';
export * from './config';
export * from './runtime/orchestrator';
export * from './runtime/orchestrator-options';
export * from './runtime/errors';
export * from './runtime/load-sagas-module';
export * from './runtime/participants-of';
export * from './runtime/saga-state-source';
export * from './runtime/failed-event-process';
export * from './runtime/uuid-id-generator';
export * from './runtime/instance-id';
