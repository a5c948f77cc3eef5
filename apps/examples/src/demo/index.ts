/**
 * @packageDocumentation
 * The stack launcher (the orchestrator and the example services as separate processes) and
 * the pieces of the demo that the end-to-end tests share: the orchestrator API client, the
 * saga driver, the consistency checks.
 */
export * from './stack-error';
export * from './stack-layout';
export * from './stack-process';
export * from './stack-resources';
export * from './abandoned-runs';
export * from './stack';
export * from './orchestrator-client';
export * from './stack-database';
export type * from './place-order-outcome';
export * from './saga-driver';
export * from './consistency-checks';
export * from './stream-checks';
export * from './percentiles';
export * from './order-mix';
export * from './format-table';
export * from './cli';
export * from './demo-args';
export * from './demo-summary';
export * from './progress-reporter';
export * from './demo';
export * from './free-port';
export * from './repo-root';
export * from './log-tail';
