import { describeValue } from '../errors/describe';
import { type JsonObject } from '../model/json';
import { type StepKind } from './saga-definition';
import {
  CONTRACT_REPLY,
  draftOf,
  emptyStepDraft,
  StepBuilderImpl,
  type StepDraft,
} from './step-builder';

/**
 * Runs a step's configure callback on a fresh builder and returns what it collected, with
 * what the contracts of its commands add. A callback that is not a function (from
 * JavaScript), or that returns something other than the builder, becomes a problem that
 * `build()` reports.
 */
export function configureStep<TData>(
  name: string,
  kind: StepKind,
  group: string | null,
  configure: (builder: StepBuilderImpl<TData>) => unknown,
): StepDraft {
  const empty = emptyStepDraft(name, kind, group);
  const callback: unknown = configure;
  if (typeof callback !== 'function') {
    return {
      ...empty,
      problems: [
        `step '${name}': the configure callback must be a function (got ${describeValue(callback)})`,
      ],
    };
  }
  const draft = draftOf(configure(new StepBuilderImpl(empty)));
  return draft === null
    ? {
        ...empty,
        problems: [
          `step '${name}': the configure callback must return the step builder it was given`,
        ],
      }
    : applyContract(draft);
}

/** The patch of a step whose reply is only checked: it adds nothing to the data. */
const NO_PATCH = (): JsonObject => ({});

/**
 * Completes a draft from the contract of its invoked command: the success reply is checked
 * against the contract's reply schema (`.onReply(map)`, or no `.onReply` at all; an
 * explicit `.onReply(schema, map)` replaces it), and the compensation must be the one the
 * contract declares.
 */
function applyContract(draft: StepDraft): StepDraft {
  const contract = draft.invoke?.contract ?? null;
  const problems: string[] = [];
  let reply = draft.reply;
  if (reply?.schema === CONTRACT_REPLY) {
    if (contract === null) {
      problems.push(
        `step '${draft.name}': .onReply(map) takes the reply schema of the invoked command's contract, and the step invokes none: use .onReply(schema, map)`,
      );
      reply = null;
    } else {
      reply = { schema: contract.reply, map: reply.map };
    }
  } else if (reply === null && contract !== null) {
    reply = { schema: contract.reply, map: NO_PATCH };
  }
  const declared = contract?.compensation ?? null;
  const { compensate } = draft;
  if (
    contract !== null &&
    declared !== null &&
    compensate !== null &&
    (compensate.participant !== contract.participant || compensate.command !== declared)
  ) {
    problems.push(
      `step '${draft.name}': the contract of ${contract.participant} ${contract.command} says it is undone by ${declared}, but the step compensates with ${String(compensate.participant)} ${String(compensate.command)}`,
    );
  }
  return problems.length === 0 && reply === draft.reply
    ? draft
    : { ...draft, reply, problems: [...draft.problems, ...problems] };
}
