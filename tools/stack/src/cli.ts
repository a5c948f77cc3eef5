import { parseArgs } from 'node:util';

import { errorMessage, SagaflowError } from '@sagaflow/core';

/**
 * A command line of the demo, the chaos run or the benchmark that cannot be run: the message
 * names the bad argument; the tool prints its usage after it.
 */
export class CliArgsError extends SagaflowError {
  readonly code = 'CLI_ARGS_INVALID';
  readonly retryable = false;
}

/** One option of a tool's command line (never repeated). */
export interface CliOption {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
}

/** The values of a parsed command line, by option name. */
export type CliValues = Readonly<Record<string, string | boolean | undefined>>;

/**
 * Parses `argv` strictly against `options` (no positional arguments); `--name=value` and
 * `--name value` both work. @throws CliArgsError on an unknown option or a missing value.
 */
export function parseCliOptions(
  argv: readonly string[],
  options: Readonly<Record<string, CliOption>>,
): CliValues {
  try {
    // No option is `multiple`, so every value is a string, a boolean or absent.
    const { values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: { ...options },
    });
    return values;
  } catch (error: unknown) {
    throw new CliArgsError(errorMessage(error), { cause: error });
  }
}

/**
 * The integer option `name` (`fallback` when absent), from `min` to `max`.
 * @throws CliArgsError naming the option, the range and the value given.
 */
export function integerOption(
  values: CliValues,
  name: string,
  limits: { readonly min: number; readonly max: number },
  fallback: number,
): number {
  const raw = values[name];
  return raw === undefined ? fallback : toInteger(raw, `--${name}`, limits);
}

/** `raw` as an integer from `min` to `max`. @throws CliArgsError naming `what`. */
export function toInteger(
  raw: string | boolean,
  what: string,
  { min, max }: { readonly min: number; readonly max: number },
): number {
  const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new CliArgsError(
      `${what} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

/** One command-line tool: how it reads its arguments and what it runs. */
export interface CliTool<A extends { readonly help: boolean }> {
  /** Prefix of its fatal error line, e.g. `demo`. */
  readonly name: string;
  readonly usage: string;
  readonly parse: (argv: readonly string[]) => A;
  /** Resolves with the exit code. */
  readonly run: (args: A) => Promise<number>;
}

/**
 * The `main` of a tool: parses `process.argv`, prints the usage on `--help` (exit 0) or after
 * a bad argument (exit 2), runs it and exits with its code. A fatal error is printed on one
 * line — with its stack unless it is a `SagaflowError`, whose message says what to look at —
 * and exits 1.
 */
export function runCli<A extends { readonly help: boolean }>(tool: CliTool<A>): void {
  const main = async (): Promise<number> => {
    let args: A;
    try {
      args = tool.parse(process.argv.slice(2));
    } catch (error: unknown) {
      if (!(error instanceof CliArgsError)) throw error;
      process.stderr.write(`${error.message}\n\n${tool.usage}`);
      return 2;
    }
    if (args.help) {
      process.stdout.write(tool.usage);
      return 0;
    }
    return tool.run(args);
  };
  main().then(
    (code) => {
      // Idle keep-alive sockets would hold the process open for a few seconds more.
      process.exit(code);
    },
    (error: unknown) => {
      const message =
        error instanceof SagaflowError
          ? error.message
          : error instanceof Error
            ? (error.stack ?? error.message)
            : String(error);
      process.stderr.write(`${tool.name} failed: ${message}\n`);
      process.exit(1);
    },
  );
}
