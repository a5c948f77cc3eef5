import fc from 'fast-check';
import { z } from 'zod';
import { defineSaga } from '../definition/define-saga';
import { type RetryPolicy } from '../definition/retry-policy';
import { type SagaBuilder } from '../definition/saga-builder';
import { type AnySagaDefinition, nodeSteps } from '../definition/saga-definition';
import { type CompensatableStepBuilder } from '../definition/step-builder';
import { IllegalSagaActionError } from '../errors/errors';
import { type ReplyInput } from '../model/reply-input';
import { type SagaCommand } from '../model/saga-command';
import { type OperatorActionName, type SagaEvent } from '../model/saga-event';
import { type SagaState } from '../model/saga-state';
import { type SagaTimer } from '../model/saga-timer';
import { decide } from './decide';
import { evolve, foldEvents } from './evolve';
import { isInputIgnored, type SagaDecision } from './saga-decision';
import { type SagaInput } from './saga-input';

// ---------------------------------------------------------------------------------------
// Generated definitions
// ---------------------------------------------------------------------------------------

interface StepSpec {
  readonly readOnly: boolean;
  readonly retry: RetryPolicy | null;
  readonly timeoutMs: number | null;
  readonly compensationRetry: RetryPolicy;
  readonly compensationTimeoutMs: number | null;
  readonly validatesReply: boolean;
}

type NodeSpec =
  | { readonly type: 'step'; readonly step: StepSpec }
  | { readonly type: 'parallel'; readonly branches: readonly StepSpec[] };

interface DefinitionSpec {
  readonly before: readonly NodeSpec[];
  readonly pivot: StepSpec | null;
  readonly retriables: readonly StepSpec[];
}

const retryArb: fc.Arbitrary<RetryPolicy> = fc.record({
  maxAttempts: fc.integer({ min: 1, max: 3 }),
  initialDelayMs: fc.integer({ min: 1, max: 1_000 }),
  multiplier: fc.double({ min: 1, max: 3, noNaN: true }),
  maxDelayMs: fc.integer({ min: 1, max: 5_000 }),
  jitter: fc.double({ min: 0, max: 1, noNaN: true }),
});

const stepArb: fc.Arbitrary<StepSpec> = fc.record({
  readOnly: fc.constant(false),
  retry: fc.option(retryArb, { freq: 2 }),
  timeoutMs: fc.option(fc.integer({ min: 10, max: 10_000 }), { freq: 2 }),
  compensationRetry: retryArb,
  compensationTimeoutMs: fc.option(fc.integer({ min: 10, max: 10_000 }), { freq: 2 }),
  validatesReply: fc.boolean(),
});

/** Read-only in about a fifth of the steps. */
const compensatableArb: fc.Arbitrary<StepSpec> = fc
  .tuple(stepArb, fc.integer({ min: 0, max: 4 }))
  .map(([step, dice]) => ({ ...step, readOnly: dice === 0 }));

const nodeArb: fc.Arbitrary<NodeSpec> = fc.oneof(
  { weight: 3, arbitrary: compensatableArb.map((step) => ({ type: 'step' as const, step })) },
  {
    weight: 1,
    arbitrary: fc
      .array(compensatableArb, { minLength: 2, maxLength: 3 })
      .map((branches) => ({ type: 'parallel' as const, branches })),
  },
);

const definitionSpecArb: fc.Arbitrary<DefinitionSpec> = fc
  .record({
    before: fc.array(nodeArb, { maxLength: 5 }),
    pivot: fc.option(stepArb, { freq: 2 }),
    retriables: fc.array(stepArb, { maxLength: 2 }),
  })
  .map(({ before, pivot, retriables }) => {
    const after = pivot === null ? [] : retriables;
    const room = 6 - (pivot === null ? 0 : 1) - after.length;
    return { before: before.slice(0, room), pivot, retriables: after };
  })
  .filter((spec) => spec.before.length + (spec.pivot === null ? 0 : 1) > 0);

const replySchema = z.object({ ok: z.literal(true) });
const inputSchema = z.object({ id: z.string() });

type Builder = SagaBuilder<{ id: string }, { id: string }>;

function configureCompensatable(
  name: string,
  spec: StepSpec,
): (s: CompensatableStepBuilder<{ id: string }>) => CompensatableStepBuilder<{ id: string }> {
  return (s) => {
    let step = s.invoke('svc', 'Do', (d) => ({ id: d.id, step: name }));
    step = spec.readOnly
      ? step.readOnly()
      : step.compensate('svc', 'Undo', (d) => ({ id: d.id, step: name }), {
          retry: spec.compensationRetry,
          ...(spec.compensationTimeoutMs === null ? {} : { timeoutMs: spec.compensationTimeoutMs }),
        });
    if (spec.retry !== null) step = step.retry(spec.retry);
    if (spec.timeoutMs !== null) step = step.timeout(spec.timeoutMs);
    if (spec.validatesReply) step = step.onReply(replySchema, () => ({}));
    return step;
  };
}

function buildDefinition(spec: DefinitionSpec): AnySagaDefinition {
  let builder: Builder = defineSaga('generated', { version: 1, input: inputSchema });
  spec.before.forEach((node, index) => {
    if (node.type === 'step') {
      builder = builder.step(`s${index}`, configureCompensatable(`s${index}`, node.step));
    } else {
      builder = builder.parallel(`g${index}`, (g) =>
        node.branches.reduce(
          (group, branch, b) =>
            group.branch(`g${index}-b${b}`, configureCompensatable(`g${index}-b${b}`, branch)),
          g,
        ),
      );
    }
  });
  const { pivot } = spec;
  if (pivot !== null) {
    builder = builder.pivot('pivot', (s) => {
      let step = s.invoke('svc', 'Commit', (d) => ({ id: d.id }));
      if (pivot.retry !== null) step = step.retry(pivot.retry);
      if (pivot.timeoutMs !== null) step = step.timeout(pivot.timeoutMs);
      return pivot.validatesReply ? step.onReply(replySchema, () => ({})) : step;
    });
  }
  spec.retriables.forEach((retriable, index) => {
    builder = builder.retriable(`r${index}`, (s) => {
      const { maxAttempts: _finite, ...policy } = retriable.retry ?? {};
      const step = s.invoke('svc', 'Tell', (d) => ({ id: d.id })).retry(policy);
      return retriable.timeoutMs === null ? step : step.timeout(retriable.timeoutMs);
    });
  });
  return builder.build();
}

// ---------------------------------------------------------------------------------------
// The simulated world: participants that reply in any order, a scheduler, an operator
// ---------------------------------------------------------------------------------------

type Op =
  | { readonly kind: 'reply'; readonly pick: number; readonly outcome: number }
  | { readonly kind: 'timer'; readonly pick: number }
  | { readonly kind: 'late-timer'; readonly pick: number }
  | { readonly kind: 'duplicate'; readonly pick: number }
  | { readonly kind: 'bogus'; readonly pick: number }
  | { readonly kind: 'operator'; readonly pick: number; readonly action: OperatorActionName };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('reply' as const),
      pick: fc.nat(),
      outcome: fc.nat({ max: 9 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('timer' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('late-timer' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bogus' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('operator' as const),
      pick: fc.nat(),
      action: fc.constantFrom<OperatorActionName>(
        'retry-step',
        'abort',
        'resolve',
        'retry-compensation',
      ),
    }),
  },
);

const EPOCH = Date.UTC(2030, 0, 1);

class World {
  state: SagaState | null = null;
  now = EPOCH;
  readonly events: SagaEvent[] = [];
  /** Commands sent and not yet answered (some of them superseded: their replies are stale). */
  readonly outstanding: SagaCommand[] = [];
  readonly delivered: ReplyInput[] = [];
  /** The scheduler: timers scheduled and neither cancelled nor fired. */
  readonly timers = new Map<string, SagaTimer>();
  readonly everyTimer: SagaTimer[] = [];
  private replies = 0;

  constructor(readonly definition: AnySagaDefinition) {}

  get current(): SagaState {
    if (this.state === null) throw new Error('no saga');
    return this.state;
  }

  decide(input: SagaInput): SagaDecision {
    const prior = this.state;
    const decision = decide(this.definition, prior, input, new Date(this.now));
    // The decision's state is the fold of its events onto the prior state.
    expect(decision.state).toEqual(decision.events.reduce<SagaState | null>(evolve, prior));
    expect(decision.events.length).toBeGreaterThan(0);
    for (const event of decision.events) expect(event.at).toBe(new Date(this.now).toISOString());
    // One command per CommandDispatched, same ids, same order.
    expect(decision.commands.map((command) => command.messageId)).toEqual(
      decision.events.flatMap((event) =>
        event.type === 'CommandDispatched' ? [event.messageId] : [],
      ),
    );
    // The scheduler, fed the decision's timer changes, mirrors the state's pending timers.
    if (input.type === 'timer') this.timers.delete(input.timer.timerId);
    for (const id of decision.timers.cancel) {
      expect(this.timers.has(id)).toBe(true);
      this.timers.delete(id);
    }
    for (const timer of decision.timers.schedule) {
      expect(this.timers.has(timer.timerId)).toBe(false);
      this.timers.set(timer.timerId, timer);
      this.everyTimer.push(timer);
    }
    expect([...this.timers.keys()].sort()).toEqual(
      decision.state.pendingTimers.map((timer) => timer.timerId).sort(),
    );
    this.state = decision.state;
    this.events.push(...decision.events);
    this.outstanding.push(...decision.commands);
    return decision;
  }

  /** Decides an input that must change nothing but record itself. */
  decideIgnored(input: SagaInput): void {
    const prior = this.current;
    const decision = this.decide(input);
    expect(isInputIgnored(decision)).toBe(true);
    expect(decision.commands).toEqual([]);
    expect(decision.timers).toEqual({ schedule: [], cancel: [] });
    expect(decision.state).toEqual({
      ...prior,
      version: prior.version + 1,
      updatedAt: decision.state.updatedAt,
    });
  }

  reply(
    command: SagaCommand,
    outcome: 'success' | 'invalid' | 'business' | 'technical',
  ): ReplyInput {
    this.replies += 1;
    const base = {
      type: 'reply' as const,
      replyId: `reply-${this.replies}`,
      sagaId: command.sagaId,
      step: command.step,
      direction: command.direction,
      attempt: command.attempt,
    };
    const reply: ReplyInput =
      outcome === 'success' || outcome === 'invalid'
        ? {
            ...base,
            outcome: 'success',
            payload: outcome === 'success' ? { ok: true } : { ok: 'no' },
          }
        : { ...base, outcome: 'failure', failure: { kind: outcome, code: 'X', message: outcome } };
    this.delivered.push(reply);
    return reply;
  }

  /**
   * True when a reply with `outcome` to `command` changes the saga: a failure only for the
   * attempt in flight; a success for any attempt dispatched while its step is unsettled.
   */
  awaits(command: SagaCommand, outcome: 'success' | 'failure'): boolean {
    const step = this.current.steps[command.step];
    if (step === undefined) return false;
    if (command.direction === 'forward') {
      return outcome === 'success'
        ? ['RUNNING', 'WAITING_RETRY', 'FAILED'].includes(step.status)
        : step.status === 'RUNNING' && step.attempt === command.attempt;
    }
    return outcome === 'success'
      ? ['COMPENSATING', 'COMPENSATION_WAITING_RETRY', 'COMPENSATION_FAILED'].includes(step.status)
      : step.status === 'COMPENSATING' && step.compensationAttempt === command.attempt;
  }

  fire(timer: SagaTimer): void {
    this.now = Math.max(this.now, Date.parse(timer.dueAt));
    this.decide({ type: 'timer', timer });
  }

  operator(action: OperatorActionName, step: string | undefined): void {
    try {
      this.decide({
        type: 'operator',
        action,
        actor: 'prop',
        reason: 'generated',
        ...(step === undefined ? {} : { step }),
      });
    } catch (error) {
      expect(error).toBeInstanceOf(IllegalSagaActionError);
    }
  }
}

function isEnded(state: SagaState): boolean {
  return state.status === 'COMPLETED' || state.status === 'COMPENSATED';
}

function runRandomly(world: World, ops: readonly Op[]): void {
  const stepNames = world.definition.stepOrder;
  for (const op of ops) {
    if (isEnded(world.current)) break;
    world.now += 1;
    switch (op.kind) {
      case 'reply': {
        if (world.outstanding.length === 0) break;
        const [command] = world.outstanding.splice(op.pick % world.outstanding.length, 1);
        if (command === undefined) break;
        const outcome =
          op.outcome < 5
            ? 'success'
            : op.outcome < 6
              ? 'invalid'
              : op.outcome < 8
                ? 'technical'
                : 'business';
        const awaited = world.awaits(
          command,
          outcome === 'success' || outcome === 'invalid' ? 'success' : 'failure',
        );
        if (awaited) world.decide(world.reply(command, outcome));
        else world.decideIgnored(world.reply(command, outcome));
        break;
      }
      case 'timer': {
        const pending = [...world.timers.values()];
        const timer = pending[op.pick % Math.max(1, pending.length)];
        if (timer !== undefined) world.fire(timer);
        break;
      }
      case 'late-timer': {
        const late = world.everyTimer.filter((timer) => !world.timers.has(timer.timerId));
        const timer = late[op.pick % Math.max(1, late.length)];
        if (timer !== undefined) world.decideIgnored({ type: 'timer', timer });
        break;
      }
      case 'duplicate': {
        const reply = world.delivered[op.pick % Math.max(1, world.delivered.length)];
        if (reply !== undefined) world.decideIgnored(reply);
        break;
      }
      case 'bogus': {
        const undispatched = stepNames.filter((name) => world.current.steps[name] === undefined);
        const step = op.pick % 2 === 0 ? 'no-such-step' : (undispatched[0] ?? 'no-such-step');
        world.decideIgnored({
          type: 'reply',
          replyId: `bogus-${op.pick}`,
          sagaId: world.current.sagaId,
          step,
          direction: 'forward',
          attempt: 1,
          outcome: 'success',
          payload: {},
        });
        break;
      }
      case 'operator':
        world.operator(
          op.action,
          op.pick % 3 === 0 ? stepNames[op.pick % stepNames.length] : undefined,
        );
        break;
    }
  }
}

/** Lets every participant answer success and every timer fire, unparking if asked to. */
function drain(world: World, unpark: boolean): void {
  for (let round = 0; round < 2_000; round += 1) {
    if (isEnded(world.current)) return;
    world.now += 1;
    const awaited = world.outstanding.findIndex((command) => world.awaits(command, 'success'));
    if (awaited !== -1) {
      const [command] = world.outstanding.splice(awaited, 1);
      if (command !== undefined) world.decide(world.reply(command, 'success'));
      continue;
    }
    const stale = world.outstanding.shift();
    if (stale !== undefined) {
      world.decideIgnored(world.reply(stale, 'success'));
      continue;
    }
    const next = [...world.timers.values()].sort((a, b) => a.dueAt.localeCompare(b.dueAt))[0];
    if (next !== undefined) {
      world.fire(next);
      continue;
    }
    if (world.current.status === 'COMPENSATION_FAILED' && unpark) {
      world.operator(round % 2 === 0 ? 'retry-compensation' : 'resolve', undefined);
      continue;
    }
    return;
  }
  throw new Error('the saga did not settle');
}

// ---------------------------------------------------------------------------------------
// What must hold at the end of every run
// ---------------------------------------------------------------------------------------

function checkRun(world: World, unpark: boolean): void {
  const { definition, events } = world;
  const state = world.current;
  const allowed = unpark
    ? ['COMPLETED', 'COMPENSATED']
    : ['COMPLETED', 'COMPENSATED', 'COMPENSATION_FAILED'];
  expect(allowed).toContain(state.status);
  expect(foldEvents(events)).toEqual(state);
  expect(state.pendingTimers).toEqual([]);
  expect(state.activeSteps).toEqual([]);

  const messageIds = events.flatMap((event) =>
    event.type === 'CommandDispatched' ? [event.messageId] : [],
  );
  expect(new Set(messageIds).size).toBe(messageIds.length);

  // Which steps may have applied, read from the events alone.
  const mayHaveApplied = new Set<string>();
  const inFlight = new Set<string>();
  const compensated = new Map<string, number[]>();
  const compensationDispatches = new Map<string, number[]>();
  let compensationStartedAt: number | null = null;
  events.forEach((event, index) => {
    switch (event.type) {
      case 'CommandDispatched':
        if (event.direction === 'forward') {
          expect(compensationStartedAt).toBeNull();
          if (inFlight.has(event.step)) mayHaveApplied.add(event.step);
          inFlight.add(event.step);
        } else {
          compensationDispatches.set(event.step, [
            ...(compensationDispatches.get(event.step) ?? []),
            index,
          ]);
        }
        break;
      case 'StepSucceeded':
        mayHaveApplied.add(event.step);
        inFlight.delete(event.step);
        break;
      case 'AttemptFailed':
        if (event.direction === 'forward') {
          inFlight.delete(event.step);
          if (event.failure.kind === 'timeout') mayHaveApplied.add(event.step);
        }
        break;
      case 'StepCompensated':
        compensated.set(event.step, [...(compensated.get(event.step) ?? []), index]);
        break;
      case 'CompensationStarted':
        expect(compensationStartedAt).toBeNull();
        compensationStartedAt = index;
        break;
      default:
        break;
    }
  });

  if (state.status === 'COMPLETED') {
    expect(compensationStartedAt).toBeNull();
    for (const name of definition.stepOrder) {
      expect(events.some((event) => event.type === 'StepSucceeded' && event.step === name)).toBe(
        true,
      );
    }
  }

  const nodeIndex = new Map<string, number>();
  definition.nodes.forEach((node, index) => {
    for (const step of nodeSteps(node)) nodeIndex.set(step.name, index);
  });
  for (const step of definition.steps.values()) {
    const undoable =
      step.kind === 'compensatable' && !step.readOnly && mayHaveApplied.has(step.name);
    const times = compensated.get(step.name)?.length ?? 0;
    if (!undoable) {
      // Nothing at or after the pivot, no read-only step, no step whose attempts all failed
      // by reply: never a compensation command.
      expect(compensationDispatches.get(step.name)).toBeUndefined();
      expect(times).toBe(0);
    } else if (state.status === 'COMPENSATED') {
      expect(times).toBe(1);
    } else {
      expect(times).toBeLessThanOrEqual(1);
    }
  }

  // Reverse order: every compensation of an earlier node starts after every later node's
  // compensations ended (branches of one group are undone together).
  for (const [early, dispatches] of compensationDispatches) {
    for (const [late, done] of compensated) {
      if ((nodeIndex.get(late) ?? -1) > (nodeIndex.get(early) ?? -1)) {
        expect(Math.min(...dispatches)).toBeGreaterThan(Math.max(...done));
      }
    }
  }
}

describe('decide, property-based', () => {
  it('ends every generated saga COMPLETED, COMPENSATED or parked, with exact compensation', () => {
    fc.assert(
      fc.property(
        definitionSpecArb,
        fc.array(opArb, { maxLength: 40 }),
        fc.boolean(),
        (spec, ops, unpark) => {
          const definition = buildDefinition(spec);
          const world = new World(definition);
          world.decide({ type: 'start', sagaId: 'saga-1', input: { id: 'x' }, businessKey: null });
          runRandomly(world, ops);
          drain(world, unpark);
          checkRun(world, unpark);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('folds any prefix of a run to the state the decider returned at that point', () => {
    fc.assert(
      fc.property(definitionSpecArb, fc.array(opArb, { maxLength: 25 }), (spec, ops) => {
        const world = new World(buildDefinition(spec));
        const states: SagaState[] = [];
        const original = world.decide.bind(world);
        world.decide = (input) => {
          const decision = original(input);
          states.push(decision.state);
          return decision;
        };
        world.decide({ type: 'start', sagaId: 'saga-2', input: { id: 'y' }, businessKey: null });
        runRandomly(world, ops);
        for (const state of states) {
          expect(foldEvents(world.events.slice(0, state.version))).toEqual(state);
        }
      }),
      { numRuns: 200 },
    );
  });
});
