/**
 * @packageDocumentation
 * The local stack of the examples, for the end-to-end tests and the tools that run it: the
 * orchestrator and the order, payment and inventory services started, stopped, paused and
 * killed as child processes from the built output, each with its own database, Redis keys,
 * port and log (`startStack`); the place-order sagas driven through the orchestrator's API
 * (`runSagas`) and the checks of what they left in the databases (`checkConsistency`,
 * `checkSagaStreams`); and the chaos run (`runChaos`). `npm run demo`, `npm run bench` and
 * `npm run chaos` run its `dist/demo/main.js`, `dist/bench/main.js` and `dist/chaos/main.js`.
 */
export * from './stack/stack';
export * from './stack/stack-error';
export * from './stack/stack-layout';
export type { ProcessExit } from './stack/stack-process';
export * from './stack/stack-resources';
export * from './stack/stack-database';
export * from './stack/orchestrator-client';
export * from './stack/free-port';
export * from './checks/consistency-checks';
export * from './checks/stream-checks';
export * from './workload/saga-driver';
export * from './workload/order-mix';
export * from './chaos/chaos-args';
export * from './chaos/chaos';
export type { StackRunIo } from './stack-run';
