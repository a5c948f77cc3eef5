/**
 * @packageDocumentation
 * `sagaflow`, the operators' command line over the orchestrator's HTTP API: `runCli` runs
 * it with the process's (or a test's) arguments, environment and outputs; the response
 * types are the shapes it reads from the API.
 */
export { runCli } from './cli';
export { type CliIo, DEFAULT_URL, type TextOutput } from './command-context';
export { EXIT_CODES, type ExitCode } from './errors';
export type * from './api-types';
