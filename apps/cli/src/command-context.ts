import { type Command } from 'commander';

import { ApiClient } from './api-client';
import { parseBaseUrl, parseDuration } from './arguments';
import { type Style, terminalStyle } from './render';

/** The orchestrator's address when neither `--url` nor `SAGAFLOW_URL` is given. */
export const DEFAULT_URL = 'http://127.0.0.1:8080';

/** How long each request may wait for an answer when `--timeout` is not given. */
export const DEFAULT_TIMEOUT = '10s';

/** Where the CLI writes: standard output or standard error. */
export interface TextOutput {
  write(text: string): void;
  /** True for a terminal: colours are used only then. */
  readonly isTTY?: boolean;
}

/** What the CLI needs from its process; `main.ts` passes the real ones, tests their own. */
export interface CliIo {
  /** `SAGAFLOW_URL`, `SAGAFLOW_TOKEN` and `NO_COLOR` are read from here. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: TextOutput;
  readonly stderr: TextOutput;
  readonly now: () => Date;
  /** Reads a file as UTF-8 (`--input @file`). */
  readonly readFile: (path: string) => Promise<string>;
  /** Waits `ms`; rejects with `InterruptedError` once `signal` is aborted. */
  readonly sleep: (ms: number) => Promise<void>;
  /** Aborted on Ctrl-C: requests in flight end, and the run exits 130. @defaultValue none */
  readonly signal?: AbortSignal;
  /** @defaultValue the global `fetch` */
  readonly fetch?: typeof fetch;
}

/** The global options, as commander parses them. */
interface GlobalOptions {
  readonly url?: string;
  readonly token?: string;
  readonly timeout?: string;
}

/** What a command's action works with: the API, the terminal's style, and its outputs. */
export interface CommandContext {
  readonly api: ApiClient;
  readonly style: Style;
  readonly io: CliIo;
  /** Writes lines to standard output. */
  readonly print: (lines: readonly string[]) => void;
  /** Writes a value as indented JSON to standard output. */
  readonly printJson: (value: unknown) => void;
  /** Writes a line to standard error: progress and notices, never data. */
  readonly notice: (message: string) => void;
}

/**
 * The context of a command's action: the API client for `--url` (else `SAGAFLOW_URL`, else
 * {@link DEFAULT_URL}), `--token` (else `SAGAFLOW_TOKEN`) and `--timeout`. Throws
 * `UsageError` for a bad URL or timeout.
 */
export function contextOf(command: Command, io: CliIo): CommandContext {
  const globals = command.optsWithGlobals<GlobalOptions>();
  const token = globals.token ?? nonEmpty(io.env.SAGAFLOW_TOKEN);
  const api = new ApiClient({
    url: parseBaseUrl(globals.url ?? nonEmpty(io.env.SAGAFLOW_URL) ?? DEFAULT_URL),
    timeoutMs: parseDuration(globals.timeout ?? DEFAULT_TIMEOUT, '--timeout'),
    ...(token === undefined ? {} : { token }),
    ...(io.signal === undefined ? {} : { signal: io.signal }),
    ...(io.fetch === undefined ? {} : { fetch: io.fetch }),
  });
  return {
    api,
    style: terminalStyle(io.stdout.isTTY === true, io.env),
    io,
    print: (lines) => {
      io.stdout.write(`${lines.join('\n')}\n`);
    },
    printJson: (value) => {
      io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    notice: (message) => {
      io.stderr.write(`${message}\n`);
    },
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
