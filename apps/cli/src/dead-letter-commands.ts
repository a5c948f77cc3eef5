import { type Command } from 'commander';

import { type DeadLetterListOptions, deadLetterListQuery } from './arguments';
import { type CliIo, contextOf } from './command-context';
import { renderDeadLetter, renderDeadLetterPage } from './render';

interface JsonOption {
  readonly json?: boolean;
}

/**
 * Registers `dead-letters` (`list`, the default, and `show <id>`) and `replay` on `program`.
 */
export function registerDeadLetterCommands(program: Command, io: CliIo): void {
  const deadLetters = program
    .command('dead-letters')
    .description('list dead letters (the default), or show one');

  deadLetters
    .command('list', { isDefault: true })
    .description('list dead letters, newest first')
    .option('--saga <sagaId>', 'only those of this saga')
    .option('--reason-code <code>', 'only those that failed for this reason')
    .option('--topic <topic>', 'only those read from this topic')
    .option('--replayed', 'only those replayed already')
    .option('--no-replayed', 'only those never replayed')
    .option('--limit <n>', 'dead letters per page, 1–500 (the API answers 50 without it)')
    .option('--before-id <id>', 'the page that follows the one whose nextBeforeId this is')
    .option('--json', "print the API's JSON")
    .action(async (options: DeadLetterListOptions & JsonOption, command: Command) => {
      const context = contextOf(command, io);
      const page = await context.api.listDeadLetters(deadLetterListQuery(options));
      if (options.json === true) {
        context.printJson(page);
        return;
      }
      context.print(renderDeadLetterPage(page, context.style));
      if (page.nextBeforeId !== null) context.print([`more: --before-id ${page.nextBeforeId}`]);
    });

  deadLetters
    .command('show <id>')
    .description('one dead letter: where it came from, why it failed, its headers and value')
    .option('--json', "print the API's JSON")
    .action(async (id: string, options: JsonOption, command: Command) => {
      const context = contextOf(command, io);
      const letter = await context.api.getDeadLetter(id);
      if (options.json === true) {
        context.printJson(letter);
        return;
      }
      context.print(renderDeadLetter(letter, context.style));
    });

  program
    .command('replay <deadLetterId>')
    .description('put a dead letter back on its topic (its consumer discards what it processed)')
    .requiredOption('--reason <text>', "why: recorded with the replay and the token's name")
    .option('--force', 'replay one that was replayed before')
    .option('--json', "print the API's JSON: the dead letter, stamped with the replay")
    .action(
      async (
        id: string,
        options: JsonOption & { reason: string; force?: boolean },
        command: Command,
      ) => {
        const context = contextOf(command, io);
        const letter = await context.api.replayDeadLetter(id, {
          reason: options.reason,
          ...(options.force === true ? { force: true } : {}),
        });
        if (options.json === true) {
          context.printJson(letter);
          return;
        }
        context.print([
          `dead letter ${letter.id} put back on ${letter.sourceTopic} (replayed by ${letter.replayedBy ?? '?'} at ${letter.replayedAt ?? '?'})`,
        ]);
      },
    );
}
