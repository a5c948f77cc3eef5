/**
 * @packageDocumentation
 * The pure saga model: the definition DSL, saga events, the `evolve`/`decide` functions,
 * the ports the runtime implements, and the typed errors. No I/O.
 */
export * from './errors/sagaflow-error';
export * from './errors/errors';
export type * from './model/json';
export type * from './model/direction';
export * from './model/saga-status';
export type * from './model/step-failure';
export type * from './model/saga-timer';
export type * from './model/saga-command';
export type * from './model/saga-event';
export type * from './model/saga-state';
export type * from './ports/event-store';
export type * from './ports/outbox';
export type * from './ports/inbox';
export type * from './ports/scheduler';
export type * from './ports/saga-state-cache';
export type * from './ports/clock';
export type * from './ports/id-generator';
export * from './ports/logger';
export type * from './model/reply-input';
export type * from './ports/command-encoder';
