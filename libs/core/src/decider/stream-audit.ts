import { type AnySagaDefinition, nodeSteps } from '../definition/saga-definition';
import { errorMessage } from '../errors/describe';
import { type SagaEvent, type SagaEventType } from '../model/saga-event';
import { type SagaState } from '../model/saga-state';
import { evolve } from './evolve';

/** One broken invariant of a saga's stream, with what broke it. */
export interface StreamViolation {
  /** A stable name: `fold`, `projection`, `command-twice`, `compensated-twice`, … */
  readonly invariant: StreamInvariant;
  readonly detail: string;
}

/** What may follow the terminal event: records of what reached an ended saga. */
const AFTER_END_ALLOWED: ReadonlySet<SagaEventType> = new Set<SagaEventType>([
  'InputIgnored',
  'MessageRedelivered',
]);

/** The invariants {@link auditSagaStream} checks. */
export type StreamInvariant =
  | 'fold'
  | 'projection'
  | 'command-twice'
  | 'compensated-twice'
  | 'compensation-order'
  | 'forward-after-compensation'
  | 'after-end';

/**
 * Checks a saga's stored event stream against the invariants every stream the decider
 * writes holds, whatever the faults on the way (redelivery, crashes, late replies):
 *
 * - `fold`: it folds (`evolve`) from `SagaStarted` without a corrupt event;
 * - `projection`: when given, the stored projection is the fold (status, version, steps);
 * - `command-twice`: no command (message id: step, direction, attempt) dispatched twice;
 * - `compensated-twice`: no step compensated twice;
 * - `compensation-order`: compensations go last node first — no compensation of an earlier
 *   node is dispatched before every later node's compensations ended;
 * - `forward-after-compensation`: no forward command after compensation started;
 * - `after-end`: one terminal event at most, followed by nothing but ignored inputs and
 *   an operator's redeliveries of messages (audit records, which change no state).
 *
 * Pure; the chaos harness and the end-to-end tests run it over every stream in MySQL.
 *
 * @example
 * ```ts
 * const violations = auditSagaStream(placeOrder, events, projection);
 * if (violations.length > 0) console.error(violations);
 * ```
 */
export function auditSagaStream(
  definition: AnySagaDefinition,
  events: readonly SagaEvent[],
  projection: SagaState | null = null,
): StreamViolation[] {
  const violations: StreamViolation[] = [];
  const say = (invariant: StreamInvariant, detail: string): void => {
    violations.push({ invariant, detail });
  };

  let state: SagaState | null = null;
  try {
    for (const event of events) state = evolve(state, event);
  } catch (error) {
    say('fold', errorMessage(error));
  }
  if (projection !== null && state !== null && violations.length === 0) {
    const folded = summary(state);
    const stored = summary(projection);
    if (folded !== stored) say('projection', `stored ${stored}, fold ${folded}`);
  }

  const nodeOf = new Map<string, number>();
  definition.nodes.forEach((node, index) => {
    for (const step of nodeSteps(node)) nodeOf.set(step.name, index);
  });
  const dispatched = new Set<string>();
  const compensated = new Set<string>();
  let compensating = false;
  let endedAt: number | null = null;
  events.forEach((event, index) => {
    if (endedAt !== null && !AFTER_END_ALLOWED.has(event.type)) {
      say('after-end', `${event.type} (#${index + 1}) after the terminal event #${endedAt + 1}`);
    }
    switch (event.type) {
      case 'CommandDispatched':
        if (dispatched.has(event.messageId)) {
          say('command-twice', `${event.messageId} dispatched again (#${index + 1})`);
        }
        dispatched.add(event.messageId);
        if (event.direction === 'forward' && compensating) {
          say('forward-after-compensation', `${event.messageId} (#${index + 1})`);
        }
        if (event.direction === 'compensation') {
          const node = nodeOf.get(event.step) ?? -1;
          const early = events
            .slice(index + 1)
            .flatMap((later) => (later.type === 'StepCompensated' ? [later.step] : []))
            .find((step) => (nodeOf.get(step) ?? -1) > node);
          if (early !== undefined) {
            say(
              'compensation-order',
              `${event.step} compensation dispatched (#${index + 1}) before ${early}, a later step, was compensated`,
            );
          }
        }
        break;
      case 'StepCompensated':
        if (compensated.has(event.step)) {
          say('compensated-twice', `${event.step} compensated again (#${index + 1})`);
        }
        compensated.add(event.step);
        break;
      case 'CompensationStarted':
        compensating = true;
        break;
      case 'SagaCompleted':
      case 'SagaCompensated':
        endedAt ??= index;
        break;
      default:
        break;
    }
  });
  return violations;
}

/** What of a state a stored projection must agree on. */
function summary(state: SagaState): string {
  const steps = Object.values(state.steps)
    .map((step) => `${step.name}:${step.status}:${step.attempt}:${step.compensationAttempt}`)
    .sort()
    .join(',');
  return `${state.status} v${state.version} [${steps}]`;
}
