/**
 * @packageDocumentation
 * The chaos run (`npm run chaos`): the stack under a seeded schedule of faults, then the
 * invariants checked from the databases.
 */
export * from './chaos-args';
export * from './fault-schedule';
export * from './fault-injector';
export * from './chaos';
