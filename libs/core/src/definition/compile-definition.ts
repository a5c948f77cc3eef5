import { z, type ZodType } from 'zod';
import { DefinitionError } from '../errors/errors';
import { describeValue } from '../errors/describe';
import { isPositiveInteger } from '../errors/validation';
import { commandNameProblem, nameProblem } from './definition-names';
import {
  DEFAULT_COMPENSATION_RETRY_POLICY,
  DEFAULT_RETRIABLE_RETRY_POLICY,
  DEFAULT_RETRY_POLICY,
  durationTooLong,
  resolveRetryPolicy,
  type ResolvedRetryPolicy,
} from './retry-policy';
import {
  type CompensationDefinition,
  type DefinitionNode,
  type PayloadBuilder,
  type ReplyDefinition,
  type SagaDefinition,
  type StepDefinition,
} from './saga-definition';
import { DEFAULT_STEP_TIMEOUT_MS, type NodeDraft, type SagaDraft } from './saga-draft';
import { type CommandDraft, type StepDraft } from './step-builder';

/** A rule the definition breaks, and the step (or group) it is about. */
interface Problem {
  readonly step: string | null;
  readonly message: string;
}

const SAGA_OPTION_KEYS: ReadonlySet<string> = new Set([
  'version',
  'input',
  'description',
  'defaults',
]);
const SAGA_DEFAULTS_KEYS: ReadonlySet<string> = new Set(['stepTimeoutMs']);
const COMPENSATION_OPTION_KEYS: ReadonlySet<string> = new Set(['retry', 'timeoutMs']);

/**
 * Validates what a saga builder collected and compiles it into a {@link SagaDefinition}.
 *
 * @throws DefinitionError listing every problem, each naming its step; the error's context
 * has the saga name (`sagaType`), the first offending step and every `problems` line.
 */
export function compileDefinition<TInput, TData>(draft: SagaDraft): SagaDefinition<TInput, TData> {
  const problems: Problem[] = [];
  const report = (step: string | null, message: string | null): void => {
    if (message !== null) problems.push({ step, message });
  };

  report(null, nameProblem('saga name', draft.name));
  const { version, input, description, stepTimeoutMs } = checkSagaOptions<TInput>(
    draft.options,
    report,
  );
  if (draft.nodes.length === 0) report(null, 'it has no steps');

  checkNamesAndOrder(draft.nodes, report);
  const nodes = draft.nodes.map((node) => compileNode(node, stepTimeoutMs, report));

  if (problems.length > 0) {
    const sagaName: unknown = draft.name;
    const label = typeof sagaName === 'string' ? sagaName : describeValue(sagaName);
    const lines = problems.map((problem) => problem.message);
    throw new DefinitionError(`invalid saga definition '${label}': ${lines.join('; ')}`, {
      context: {
        sagaType: label,
        ...stepContext(problems.find((problem) => problem.step !== null)?.step),
        problems: lines,
      },
    });
  }

  const compiledNodes = nodes.filter((node): node is DefinitionNode => node !== null);
  const steps = new Map<string, StepDefinition>();
  for (const node of compiledNodes) {
    for (const step of node.type === 'step' ? [node.step] : node.branches) {
      steps.set(step.name, step);
    }
  }
  return {
    name: draft.name,
    version,
    description,
    input,
    nodes: compiledNodes,
    steps,
    stepOrder: [...steps.keys()],
  };
}

type Report = (step: string | null, message: string | null) => void;

function stepContext(step: string | null | undefined): { step?: string } {
  return step === null || step === undefined ? {} : { step };
}

function checkSagaOptions<TInput>(
  options: SagaDraft['options'],
  report: Report,
): {
  version: number;
  input: ZodType<TInput>;
  description: string | null;
  stepTimeoutMs: number;
} {
  const given: unknown = options;
  if (typeof given !== 'object' || given === null) {
    report(null, `the options must be an object (got ${describeValue(given)})`);
    return {
      version: 0,
      input: z.never(),
      description: null,
      stepTimeoutMs: DEFAULT_STEP_TIMEOUT_MS,
    };
  }
  // `defineSaga` typed TInput as this schema's output.
  const input = options.input as ZodType<TInput>;
  for (const key of Object.keys(given)) {
    if (!SAGA_OPTION_KEYS.has(key)) report(null, `the options have an unknown field '${key}'`);
  }
  const version: unknown = options.version;
  if (!isPositiveInteger(version)) {
    report(null, `version must be a positive integer (got ${describeValue(version)})`);
  }
  if (!isZodSchema(options.input)) {
    report(null, `input must be a zod schema (got ${describeValue(options.input)})`);
  }
  const description: unknown = options.description;
  if (description !== undefined && typeof description !== 'string') {
    report(null, `description must be a string (got ${describeValue(description)})`);
  }
  return {
    version: options.version,
    input,
    description: typeof description === 'string' ? description : null,
    stepTimeoutMs: checkSagaDefaults(options.defaults, report),
  };
}

/** The saga's default step timeout: `defaults.stepTimeoutMs`, else the built-in one. */
function checkSagaDefaults(defaults: unknown, report: Report): number {
  if (defaults === undefined) return DEFAULT_STEP_TIMEOUT_MS;
  if (typeof defaults !== 'object' || defaults === null || Array.isArray(defaults)) {
    report(null, `defaults must be an object (got ${describeValue(defaults)})`);
    return DEFAULT_STEP_TIMEOUT_MS;
  }
  for (const key of Object.keys(defaults)) {
    if (!SAGA_DEFAULTS_KEYS.has(key)) report(null, `defaults have an unknown field '${key}'`);
  }
  const { stepTimeoutMs } = defaults as { stepTimeoutMs?: unknown };
  if (stepTimeoutMs === undefined) return DEFAULT_STEP_TIMEOUT_MS;
  const tooLong = durationTooLong('defaults.stepTimeoutMs', stepTimeoutMs);
  if (tooLong !== null) {
    report(null, tooLong);
    return DEFAULT_STEP_TIMEOUT_MS;
  }
  if (isPositiveInteger(stepTimeoutMs)) return stepTimeoutMs;
  report(
    null,
    `defaults.stepTimeoutMs must be a positive integer number of milliseconds (got ${describeValue(stepTimeoutMs)})`,
  );
  return DEFAULT_STEP_TIMEOUT_MS;
}

function isZodSchema(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    'safeParse' in value &&
    typeof value.safeParse === 'function'
  );
}

/** Names unique across steps, branches and groups; compensatable → pivot → retriable. */
function checkNamesAndOrder(nodes: readonly NodeDraft[], report: Report): void {
  const seen = new Set<string>();
  const claim = (name: string): void => {
    if (seen.has(name)) {
      report(name, `the name '${name}' is used twice (steps and parallel groups share names)`);
    }
    seen.add(name);
  };
  let pivot: string | null = null;
  let retriable: string | null = null;
  for (const node of nodes) {
    if (node.type === 'parallel') {
      claim(node.name);
      node.branches.forEach((branch) => {
        claim(branch.name);
      });
      if (pivot !== null || retriable !== null) {
        report(
          node.name,
          `parallel group '${node.name}' comes after ${laterThan(pivot, retriable)}`,
        );
      }
      continue;
    }
    const { name, kind } = node.step;
    claim(name);
    if (kind === 'compensatable' && (pivot !== null || retriable !== null)) {
      report(name, `compensatable step '${name}' comes after ${laterThan(pivot, retriable)}`);
    } else if (kind === 'pivot') {
      if (pivot !== null) report(name, `step '${name}' is a second pivot: the pivot is '${pivot}'`);
      else if (retriable !== null) {
        report(name, `pivot '${name}' comes after retriable step '${retriable}'`);
      }
      pivot ??= name;
    } else if (kind === 'retriable') {
      if (pivot === null) report(name, `retriable step '${name}' has no pivot before it`);
      retriable ??= name;
    }
  }
}

function laterThan(pivot: string | null, retriable: string | null): string {
  return pivot === null
    ? `retriable step '${String(retriable)}': only retriable steps may follow it`
    : `the pivot '${pivot}': only retriable steps may follow the pivot`;
}

function compileNode(
  node: NodeDraft,
  defaultTimeoutMs: number,
  report: Report,
): DefinitionNode | null {
  if (node.type === 'step') {
    const step = compileStep(node.step, defaultTimeoutMs, report);
    return step === null ? null : { type: 'step', step };
  }
  report(node.name, nameProblem('parallel group name', node.name));
  node.problems.forEach((problem) => {
    report(node.name, problem);
  });
  if (node.branches.length < 2) {
    report(
      node.name,
      `parallel group '${node.name}' needs at least 2 branches (has ${node.branches.length})`,
    );
  }
  const branches = node.branches.map((branch) => compileStep(branch, defaultTimeoutMs, report));
  return branches.every((branch): branch is StepDefinition => branch !== null)
    ? { type: 'parallel', name: node.name, branches }
    : null;
}

/** Validates one step; returns it compiled, or null when it has problems (all reported). */
function compileStep(
  draft: StepDraft,
  defaultTimeoutMs: number,
  report: Report,
): StepDefinition | null {
  const { name, kind } = draft;
  const found: string[] = [];
  const say = (message: string | null): void => {
    if (message === null) return;
    found.push(message);
    report(name, message);
  };
  say(nameProblem('step name', name));
  draft.problems.forEach(say);

  const invoke =
    draft.invoke === null ? null : compileCommand(draft.invoke, `step '${name}':`, say);
  if (draft.invoke === null) say(`step '${name}' has no .invoke(...)`);

  if (kind === 'compensatable') {
    if (draft.compensate === null && !draft.readOnly) {
      say(`compensatable step '${name}' needs .compensate(...) or .readOnly()`);
    }
    if (draft.compensate !== null && draft.readOnly) {
      say(`step '${name}' is read-only and cannot have a compensation`);
    }
  } else {
    const label = kind === 'pivot' ? `pivot '${name}'` : `retriable step '${name}'`;
    if (draft.compensate !== null) {
      say(`${label} cannot have a compensation: it is never compensated`);
    }
    if (draft.readOnly) say(`${label} cannot be read-only: only compensatable steps can`);
  }

  const timeoutMs = compileTimeout(draft, defaultTimeoutMs, say);
  const retry = compileRetry(draft, say);
  const reply = compileReply(draft, say);
  const compensation =
    draft.compensate === null ? null : compileCompensation(draft, timeoutMs, say);

  if (found.length > 0 || invoke === null) return null;
  return {
    name,
    kind,
    participant: invoke.participant,
    command: invoke.command,
    buildPayload: invoke.buildPayload,
    payloadSchema: invoke.payloadSchema,
    compensation,
    readOnly: draft.readOnly,
    reply,
    retry,
    timeoutMs,
    group: draft.group,
  };
}

function compileCommand(
  command: CommandDraft,
  label: string,
  say: (message: string | null) => void,
): Pick<StepDefinition, 'participant' | 'command' | 'buildPayload' | 'payloadSchema'> | null {
  const { participant, command: name, buildPayload } = command;
  const problems = [
    nameProblem(`${label} participant`, participant),
    commandNameProblem(`${label} command`, name),
    typeof buildPayload === 'function'
      ? null
      : `${label} payload builder must be a function (got ${describeValue(buildPayload)})`,
  ];
  problems.forEach(say);
  if (
    typeof participant !== 'string' ||
    typeof name !== 'string' ||
    typeof buildPayload !== 'function'
  ) {
    return null;
  }
  // Checked to be a function; the DSL typed it against the step's data type, which the
  // saga's JSON data satisfies at run time.
  return {
    participant,
    command: name,
    buildPayload: buildPayload as PayloadBuilder,
    payloadSchema: command.contract?.payload ?? null,
  };
}

/** The step's `.timeout(ms)`, else the saga's default: every step has a reply deadline. */
function compileTimeout(
  draft: StepDraft,
  defaultTimeoutMs: number,
  say: (message: string | null) => void,
): number {
  if (draft.timeout === null) return defaultTimeoutMs;
  const { ms } = draft.timeout;
  const tooLong = durationTooLong(`step '${draft.name}': timeout`, ms);
  if (tooLong !== null) {
    say(tooLong);
    return defaultTimeoutMs;
  }
  if (isPositiveInteger(ms)) return ms;
  say(
    `step '${draft.name}': timeout must be a positive integer number of milliseconds (got ${describeValue(ms)})`,
  );
  return defaultTimeoutMs;
}

function compileRetry(
  draft: StepDraft,
  say: (message: string | null) => void,
): ResolvedRetryPolicy | null {
  const { name, kind } = draft;
  if (draft.retry === null) {
    if (kind === 'retriable') {
      say(`retriable step '${name}' needs .retry(...): it is retried until it succeeds`);
    }
    return null;
  }
  const resolution = resolveRetryPolicy(
    draft.retry.policy,
    kind === 'retriable' ? DEFAULT_RETRIABLE_RETRY_POLICY : DEFAULT_RETRY_POLICY,
    `step '${name}': retry`,
  );
  if (!resolution.ok) {
    resolution.problems.forEach(say);
    return null;
  }
  if (kind === 'retriable' && resolution.policy.maxAttempts !== Infinity) {
    say(
      `retriable step '${name}' is retried until it succeeds: retry.maxAttempts must be Infinity or omitted (got ${describeValue(resolution.policy.maxAttempts)})`,
    );
  }
  return resolution.policy;
}

function compileReply(
  draft: StepDraft,
  say: (message: string | null) => void,
): ReplyDefinition | null {
  if (draft.reply === null) return null;
  const { schema, map } = draft.reply;
  if (!isZodSchema(schema)) {
    say(
      `step '${draft.name}': the onReply schema must be a zod schema (got ${describeValue(schema)})`,
    );
  }
  if (typeof map !== 'function') {
    say(`step '${draft.name}': the onReply map must be a function (got ${describeValue(map)})`);
  }
  // Checked above; the map was typed against the schema's output and the step's data.
  return { schema: schema as ZodType, map: map as ReplyDefinition['map'] };
}

function compileCompensation(
  draft: StepDraft,
  stepTimeoutMs: number,
  say: (message: string | null) => void,
): CompensationDefinition | null {
  if (draft.compensate === null) return null;
  const label = `step '${draft.name}': compensation`;
  const command = compileCommand(draft.compensate, label, say);
  const options: unknown = draft.compensate.options ?? {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    say(`${label} options must be an object (got ${describeValue(options)})`);
    return null;
  }
  Object.keys(options)
    .filter((key) => !COMPENSATION_OPTION_KEYS.has(key))
    .forEach((key) => {
      say(`${label} options have an unknown field '${key}'`);
    });
  const { retry, timeoutMs } = options as { retry?: unknown; timeoutMs?: unknown };
  const resolution = resolveRetryPolicy(
    retry ?? {},
    DEFAULT_COMPENSATION_RETRY_POLICY,
    `${label} retry`,
  );
  if (!resolution.ok) resolution.problems.forEach(say);
  if (timeoutMs !== undefined && !isPositiveInteger(timeoutMs)) {
    say(`${label} timeoutMs must be a positive integer (got ${describeValue(timeoutMs)})`);
  }
  say(durationTooLong(`${label} timeoutMs`, timeoutMs));
  if (command === null || !resolution.ok) return null;
  return {
    ...command,
    retry: resolution.policy,
    timeoutMs: isPositiveInteger(timeoutMs) ? timeoutMs : stepTimeoutMs,
  };
}
