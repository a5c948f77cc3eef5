import { type ZodType } from 'zod';
import { describeValue } from '../errors/describe';
import { DefinitionError } from '../errors/errors';
import { commandNameProblem, nameProblem } from './definition-names';

/**
 * One command as a participant's contract declares it (a value of `defineParticipant`'s
 * second argument).
 */
export interface CommandSpec<
  TPayload extends ZodType = ZodType,
  TReply extends ZodType = ZodType,
  TCompensation extends string = string,
> {
  /**
   * The payload's schema: the saga builds its input type, the participant's handler gets
   * its output. The orchestrator checks every payload it builds against it, the participant
   * every payload it receives.
   */
  readonly payload: TPayload;
  /**
   * The success reply's schema: the handler returns its input type, the saga's
   * `.onReply(map)` gets its output. The orchestrator checks every forward success reply
   * against it (a reply it rejects is an `invalid-reply` failure).
   */
  readonly reply: TReply;
  /**
   * The command of the same participant that undoes this one. A step that invokes this
   * command must compensate with that one.
   * @defaultValue none: nothing declared
   */
  readonly compensation?: TCompensation;
}

/**
 * A command of a participant's contract: `defineParticipant(...)[command]`. Give it to a
 * step's `.invoke(...)` or `.compensate(...)`, or implement it with the participant SDK.
 */
export interface CommandContract<
  TPayload extends ZodType = ZodType,
  TReply extends ZodType = ZodType,
> {
  /** The participant service that executes it, e.g. `payment-service`. */
  readonly participant: string;
  /** The command's name, e.g. `ReserveCredit`. */
  readonly command: string;
  readonly payload: TPayload;
  readonly reply: TReply;
  /** The command that undoes this one, or null when the contract declares none. */
  readonly compensation: string | null;
}

/** A participant's contract: its commands by name. */
export type ParticipantContract = Readonly<Record<string, CommandContract>>;

/** The contract `defineParticipant` returns for the specs `TCommands`. */
export type ParticipantContractOf<TCommands> = {
  readonly [K in keyof TCommands & string]: TCommands[K] extends CommandSpec<
    infer TPayload,
    infer TReply
  >
    ? CommandContract<TPayload, TReply>
    : never;
};

const COMMAND_SPEC_KEYS: ReadonlySet<string> = new Set(['payload', 'reply', 'compensation']);

/**
 * Declares a participant's commands once — name, payload schema, reply schema and
 * compensation — in a contract that the saga and the participant both import. A step's
 * `.invoke(contract.X, (d) => payload)` is then checked against the payload schema at
 * compile time and at run time, and `.onReply((reply) => patch)` gets the reply's type; the
 * participant SDK's `implementParticipant(contract, handlers)` types each handler's payload
 * and reply. Steps may still name commands by strings (a participant in another language).
 *
 * @throws DefinitionError naming every problem: a participant or command name that breaks
 * the naming rules, a payload or reply that is no zod schema, a compensation that is not
 * another command of the contract, an unknown field.
 *
 * @example
 * ```ts
 * export const paymentService = defineParticipant('payment-service', {
 *   ReserveCredit: {
 *     payload: z.object({ orderId: z.string(), amount: z.number().positive() }),
 *     reply: z.object({ creditAvailable: z.number() }),
 *     compensation: 'ReleaseCredit',
 *   },
 *   ReleaseCredit: {
 *     payload: z.object({ orderId: z.string() }),
 *     reply: z.object({ released: z.number() }),
 *   },
 * });
 * ```
 */
export function defineParticipant<
  TCommands extends {
    readonly [K in keyof TCommands]: CommandSpec<
      ZodType,
      ZodType,
      Extract<keyof TCommands, string>
    >;
  },
>(participant: string, commands: TCommands): ParticipantContractOf<TCommands> {
  const problems: string[] = [];
  const say = (problem: string | null): void => {
    if (problem !== null) problems.push(problem);
  };
  say(nameProblem('participant name', participant));
  const given: unknown = commands;
  const entries =
    typeof given === 'object' && given !== null && !Array.isArray(given)
      ? Object.entries(given as Readonly<Record<string, unknown>>)
      : [];
  if (entries.length === 0) {
    say(`the commands must be an object with at least one command (got ${describeValue(given)})`);
  }
  const names = new Set(entries.map(([name]) => name));
  const contract: Record<string, CommandContract> = {};
  for (const [name, spec] of entries) {
    const command = compileCommandSpec(participant, name, spec, names, say);
    if (command !== null) contract[name] = command;
  }
  if (problems.length > 0) {
    throw new DefinitionError(
      `invalid participant contract ${describeValue(participant)}: ${problems.join('; ')}`,
      { context: { participant, problems } },
    );
  }
  // Every entry of `commands` was compiled: the contract has exactly the keys of TCommands.
  return Object.freeze(contract) as ParticipantContractOf<TCommands>;
}

/**
 * True when `value` is a command of a participant's contract (what `.invoke` and
 * `.compensate` accept in place of a participant and a command name).
 */
export function isCommandContract(value: unknown): value is CommandContract {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof CommandContract, unknown>>;
  return (
    typeof candidate.participant === 'string' &&
    typeof candidate.command === 'string' &&
    isZodSchema(candidate.payload) &&
    isZodSchema(candidate.reply)
  );
}

/** True for a zod schema (anything with `safeParse`). */
function isZodSchema(value: unknown): value is ZodType {
  return (
    typeof value === 'object' &&
    value !== null &&
    'safeParse' in value &&
    typeof value.safeParse === 'function'
  );
}

function compileCommandSpec(
  participant: string,
  name: string,
  spec: unknown,
  names: ReadonlySet<string>,
  say: (problem: string | null) => void,
): CommandContract | null {
  say(commandNameProblem('command name', name));
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    say(`command '${name}' must be an object (got ${describeValue(spec)})`);
    return null;
  }
  Object.keys(spec)
    .filter((key) => !COMMAND_SPEC_KEYS.has(key))
    .forEach((key) => {
      say(`command '${name}' has an unknown field '${key}'`);
    });
  const { payload, reply, compensation } = spec as Partial<Record<keyof CommandSpec, unknown>>;
  if (!isZodSchema(payload)) {
    say(`command '${name}': payload must be a zod schema (got ${describeValue(payload)})`);
  }
  if (!isZodSchema(reply)) {
    say(`command '${name}': reply must be a zod schema (got ${describeValue(reply)})`);
  }
  if (
    compensation !== undefined &&
    (typeof compensation !== 'string' || compensation === name || !names.has(compensation))
  ) {
    say(
      `command '${name}': compensation must name another command of the contract (got ${describeValue(compensation)})`,
    );
  }
  if (!isZodSchema(payload) || !isZodSchema(reply)) return null;
  return Object.freeze({
    participant,
    command: name,
    payload,
    reply,
    compensation: typeof compensation === 'string' ? compensation : null,
  });
}
