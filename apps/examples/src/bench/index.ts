/**
 * @packageDocumentation
 * The benchmark (`npm run bench`): the place-order saga driven closed-loop at several levels
 * of sagas in flight, with each process's CPU and memory, optionally side by side with a peer.
 */
export * from './bench-args';
export * from './process-usage';
export * from './bench';
