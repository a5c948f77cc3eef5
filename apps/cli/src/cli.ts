import { Command, CommanderError } from 'commander';

import { type CliIo, DEFAULT_TIMEOUT, DEFAULT_URL } from './command-context';
import { registerDeadLetterCommands } from './dead-letter-commands';
import { CliError, EXIT_CODES, type ExitCode, InterruptedError } from './errors';
import { registerSagaCommands } from './saga-commands';

const HELP_AFTER = `
Environment:
  SAGAFLOW_URL    the orchestrator's base URL (--url wins; default ${DEFAULT_URL})
  SAGAFLOW_TOKEN  the API token (--token wins): a viewer reads, an operator also acts
  NO_COLOR        set and not empty: no colours even on a terminal

Exit codes:
  0    done
  1    the orchestrator refused the request or failed (400, 401, 403, 404, 409, 429, 5xx)
  2    usage error: nothing was sent
  3    the orchestrator could not be reached or did not answer in time
  130  interrupted (Ctrl-C)

Examples:
  sagaflow list --stuck
  sagaflow list --status RUNNING,COMPENSATING --updated-before 30m --sort updated
  sagaflow show 01J2F3…
  sagaflow retry-compensation 01J2F3… --reason "credit hold lifted" --expected-version 14
  sagaflow watch 01J2F3…
`;

/**
 * Runs `sagaflow` with `argv` (the arguments after the program name): parses them, calls
 * the orchestrator's API, writes the result to `io.stdout` and what went wrong to
 * `io.stderr` (`error: …`), and resolves with the exit code (see `EXIT_CODES`). Never
 * rejects and never exits the process.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(['list', '--stuck'], processIo);
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const program = new Command('sagaflow')
    .description("Operate Sagaflow sagas through the orchestrator's HTTP API.")
    .option('--url <url>', `the orchestrator's base URL (env SAGAFLOW_URL; default ${DEFAULT_URL})`)
    .option('--token <token>', 'the API token (env SAGAFLOW_TOKEN)')
    .option(
      '--timeout <duration>',
      `longest wait for each answer, e.g. 500ms, 30s (default ${DEFAULT_TIMEOUT})`,
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => {
        io.stdout.write(text);
      },
      writeErr: (text) => {
        io.stderr.write(text);
      },
    })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', HELP_AFTER);
  registerSagaCommands(program, io);
  registerDeadLetterCommands(program, io);

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_CODES.ok;
  } catch (error: unknown) {
    // Commander printed its own message (or the help) already.
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
    }
    if (error instanceof InterruptedError) return error.exitCode;
    if (error instanceof CliError) {
      io.stderr.write(`error: ${error.message}\n`);
      if (error.exitCode === EXIT_CODES.usage) io.stderr.write('(add --help for usage)\n');
      return error.exitCode;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.stderr.write(`error: unexpected failure: ${detail}\n`);
    return EXIT_CODES.refused;
  }
}
