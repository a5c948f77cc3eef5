import { type Command, Option } from 'commander';

import { type SagaAction } from './api-client';
import { type SagaSummary } from './api-types';
import { parseInput, parseInteger, type SagaListOptions, sagaListQuery } from './arguments';
import { type CliIo, contextOf } from './command-context';
import { renderSagaPage, renderSagaView, statusColour } from './render';
import { followSaga, readHistory } from './saga-history';
import { renderTimeline, timelineLine } from './timeline';

interface JsonOption {
  readonly json?: boolean;
}

const SORTS = ['started', 'updated'];
const ORDERS = ['asc', 'desc'];

/** The operator actions: the command, the API's action, what it does, whether it takes a step. */
const ACTION_COMMANDS: readonly {
  readonly name: string;
  readonly action: SagaAction;
  readonly description: string;
  readonly takesStep: boolean;
}[] = [
  {
    name: 'retry',
    action: 'retry-step',
    description:
      'dispatch a new attempt of a step in flight or waiting for a retry (a RUNNING saga)',
    takesStep: true,
  },
  {
    name: 'abort',
    action: 'abort',
    description:
      'stop a RUNNING saga before its pivot and compensate the steps that may have applied',
    takesStep: false,
  },
  {
    name: 'resolve',
    action: 'resolve',
    description:
      'mark a failed compensation as done by hand, and go on compensating (COMPENSATION_FAILED)',
    takesStep: true,
  },
  {
    name: 'retry-compensation',
    action: 'retry-compensation',
    description: 'try a failed compensation again, with a fresh retry budget (COMPENSATION_FAILED)',
    takesStep: true,
  },
];

/** Registers `list`, `show`, `watch`, `start` and the operator actions on `program`. */
export function registerSagaCommands(program: Command, io: CliIo): void {
  program
    .command('list')
    .description('list sagas, newest first')
    .option(
      '--status <status...>',
      'only sagas in these statuses (several, or comma-separated): RUNNING, COMPENSATING, COMPLETED, COMPENSATED, COMPENSATION_FAILED',
    )
    .option('--type <sagaType>', 'only sagas of this type')
    .option('--business-key <key>', 'only the saga with this business key')
    .option('--started-after <time>', 'started at or after: ISO-8601, or a time ago (10m, 2h, 1d)')
    .option('--started-before <time>', 'started before')
    .option('--updated-after <time>', 'last changed at or after')
    .option('--updated-before <time>', 'last changed before')
    .option(
      '--stuck',
      "only stuck sagas: RUNNING or COMPENSATING with no change for longer than the orchestrator's threshold, and every COMPENSATION_FAILED one",
    )
    .option('--stuck-after <duration>', 'the threshold of --stuck instead (implies it), e.g. 15m')
    .addOption(new Option('--sort <column>', 'order by start or last change').choices(SORTS))
    .addOption(new Option('--order <order>', 'newest (desc) or oldest (asc) first').choices(ORDERS))
    .option('--limit <n>', 'sagas per page, 1–500 (the API answers 50 without it)')
    .option('--cursor <cursor>', 'the page that follows the one whose nextCursor this is')
    .option('--all', 'every page, following nextCursor')
    .option('--json', "print the API's JSON (with --all: every page's items in one)")
    .action(async (options: SagaListOptions & JsonOption & { all?: boolean }, command: Command) => {
      const context = contextOf(command, io);
      const now = io.now();
      const query = sagaListQuery(options, now);
      let page = await context.api.listSagas(query);
      if (options.all === true) {
        const items: SagaSummary[] = [...page.items];
        while (page.nextCursor !== null) {
          query.set('cursor', page.nextCursor);
          page = await context.api.listSagas(query);
          items.push(...page.items);
        }
        page = { items, nextCursor: null };
      }
      if (options.json === true) {
        context.printJson(page);
        return;
      }
      context.print(renderSagaPage(page, now, context.style));
      if (page.nextCursor !== null) context.print([`more: --cursor ${page.nextCursor} (or --all)`]);
    });

  program
    .command('show <sagaId>')
    .description("a saga's state, its steps and the timeline of its events")
    .option('--json', 'print { "saga": GET /sagas/:id, "events": every event of its history }')
    .action(async (sagaId: string, options: JsonOption, command: Command) => {
      const context = contextOf(command, io);
      const saga = await context.api.getSaga(sagaId);
      const events = await readHistory(context.api, sagaId);
      if (options.json === true) {
        context.printJson({ saga, events });
        return;
      }
      context.print([
        ...renderSagaView(saga, io.now(), context.style),
        '',
        ...renderTimeline(events, context.style),
      ]);
    });

  program
    .command('watch <sagaId>')
    .description("a saga's timeline, then its new events as they come, until it ends or Ctrl-C")
    .option('--json', 'print each event as one line of JSON, as the API gives it')
    .action(async (sagaId: string, options: JsonOption, command: Command) => {
      const context = contextOf(command, io);
      const saga = await context.api.getSaga(sagaId);
      if (options.json !== true) {
        context.print([
          `${saga.sagaId}  ${saga.sagaType} v${saga.sagaVersion}  ${context.style.paint(saga.status, statusColour(saga.status))}`,
          ...renderTimeline([], context.style),
        ]);
      }
      let status = saga.status;
      await followSaga({
        sagaId,
        source: context.api,
        onEvent: (entry) => {
          status = ENDED_STATUS_BY_EVENT[entry.type] ?? status;
          context.print([
            options.json === true ? JSON.stringify(entry) : timelineLine(entry, context.style),
          ]);
        },
        onNotice: context.notice,
        sleep: io.sleep,
      });
      if (options.json !== true) context.print([`saga ${sagaId} ended: ${status}`]);
    });

  program
    .command('start <sagaType>')
    .description('start a saga (or get the one its business key names)')
    .requiredOption('--input <json|@file>', "the saga's input: JSON, or @path of a file holding it")
    .option('--business-key <key>', 'unique per saga type: a second start returns the first saga')
    .option('--version <n>', 'the definition version (the newest registered without it)')
    .option('--json', "print the API's JSON")
    .action(
      async (
        sagaType: string,
        options: JsonOption & { input: string; businessKey?: string; version?: string },
        command: Command,
      ) => {
        const context = contextOf(command, io);
        const input = await parseInput(options.input, io.readFile);
        const version =
          options.version === undefined
            ? undefined
            : parseInteger(options.version, '--version', 1, Number.MAX_SAFE_INTEGER);
        const started = await context.api.startSaga({
          sagaType,
          input,
          ...(options.businessKey === undefined ? {} : { businessKey: options.businessKey }),
          ...(version === undefined ? {} : { version }),
        });
        if (options.json === true) {
          context.printJson(started);
          return;
        }
        const status = context.style.paint(started.status, statusColour(started.status));
        context.print([
          started.created
            ? `started saga ${started.sagaId} (${sagaType}): ${status}`
            : `saga ${started.sagaId} has business key '${options.businessKey ?? ''}' already: ${status} (nothing started)`,
        ]);
      },
    );

  for (const { name, action, description, takesStep } of ACTION_COMMANDS) {
    const actionCommand = program
      .command(`${name} <sagaId>`)
      .description(description)
      .requiredOption('--reason <text>', "why: recorded with the action and the token's name");
    if (takesStep) {
      actionCommand.option(
        '--step <name>',
        'the step to act on (every one it applies to without it)',
      );
    }
    actionCommand
      .option(
        '--expected-version <n>',
        'act only if the saga is still at this version (the one list or show gave); else 409 SAGA_VERSION_MOVED',
      )
      .option('--json', "print the API's JSON: the saga as the action left it")
      .action(
        async (
          sagaId: string,
          options: JsonOption & { reason: string; step?: string; expectedVersion?: string },
          command: Command,
        ) => {
          const context = contextOf(command, io);
          const expectedVersion =
            options.expectedVersion === undefined
              ? undefined
              : parseInteger(
                  options.expectedVersion,
                  '--expected-version',
                  1,
                  Number.MAX_SAFE_INTEGER,
                );
          const saga = await context.api.act(sagaId, action, {
            reason: options.reason,
            ...(options.step === undefined ? {} : { step: options.step }),
            ...(expectedVersion === undefined ? {} : { expectedVersion }),
          });
          if (options.json === true) {
            context.printJson(saga);
            return;
          }
          const status = context.style.paint(saga.status, statusColour(saga.status));
          context.print([
            `${action} done on saga ${saga.sagaId}: now ${status} (version ${saga.version})`,
          ]);
        },
      );
  }
}

/** The status a saga ends in, by the event that ends it. */
const ENDED_STATUS_BY_EVENT: Readonly<Record<string, string>> = {
  SagaCompleted: 'COMPLETED',
  SagaCompensated: 'COMPENSATED',
};
