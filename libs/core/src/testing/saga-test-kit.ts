import { DefinitionRegistry } from '../definition/definition-registry';
import { type AnySagaDefinition, type SagaDefinition } from '../definition/saga-definition';
import { SagaEngine, type StartSagaResult } from '../engine/saga-engine';
import { type SagaObserver } from '../engine/saga-observer';
import { errorMessage } from '../errors/describe';
import { BusinessError, InvalidArgumentError, SagaNotFoundError } from '../errors/errors';
import { checkInteger, checkTime } from '../errors/validation';
import { InMemoryCommandEncoder } from '../in-memory/in-memory-command-encoder';
import { InMemoryEventStore } from '../in-memory/in-memory-event-store';
import { InMemorySagaStateCache } from '../in-memory/in-memory-saga-state-cache';
import { InMemoryScheduler } from '../in-memory/in-memory-scheduler';
import { ManualClock } from '../in-memory/manual-clock';
import { SequentialIdGenerator } from '../in-memory/sequential-id-generator';
import { type JsonObject } from '../model/json';
import { type ReplyInput } from '../model/reply-input';
import { type Direction, type SagaCommand } from '../model/saga-command';
import { type SagaEvent } from '../model/saga-event';
import { type SagaState } from '../model/saga-state';
import { type Logger, noopLogger } from '../ports/logger';
import { type FaultController, ParticipantFaults } from './fault-controller';
import { type HandlerContext, type ParticipantHandlers } from './participant-handler';
import { SeededRandom } from './seeded-random';

/** Options of {@link createSagaTestKit}. */
export interface SagaTestKitOptions {
  /** The saga definitions the kit's engine knows. */
  readonly definitions: readonly AnySagaDefinition[];
  /**
   * The in-memory participants: handlers by participant, then command. Every command and
   * compensation the definitions name needs one.
   */
  readonly participants: ParticipantHandlers;
  /**
   * The time the kit's clock starts at.
   * @defaultValue `2030-01-01T00:00:00.000Z`
   */
  readonly startAt?: Date | string;
  /**
   * How many deliveries and timers one `runUntilIdle` (or `advanceTime`) may process before
   * it fails: a saga that never settles is a bug worth an error, not a hang.
   * @defaultValue `10000`
   */
  readonly maxSteps?: number;
  /**
   * Where the engine logs.
   * @defaultValue `noopLogger`
   */
  readonly logger?: Logger;
  /**
   * The engine's observer.
   * @defaultValue none
   */
  readonly observer?: SagaObserver;
}

/** Which commands {@link SagaTestKit.sentCommands} (and friends) return; every field narrows. */
export interface CommandFilter {
  readonly sagaId?: string;
  readonly participant?: string;
  readonly command?: string;
  readonly step?: string;
  readonly direction?: Direction;
}

/** A message that reached its consumer twice and was answered from its idempotency record. */
export interface DuplicateDelivery {
  /** `command`: at a participant; `reply`: at the orchestrator (by reply id). */
  readonly kind: 'command' | 'reply';
  /** The duplicated command (for a reply: the command it answers). */
  readonly command: SagaCommand;
  /** The reply's id, for `reply` duplicates. */
  readonly replyId: string | null;
}

/** Options of {@link SagaTestKit.start}. */
export interface TestKitStartOptions {
  readonly businessKey?: string | null;
  readonly version?: number;
  readonly sagaId?: string;
}

/** A message on its way: a command to a participant, or a reply (to `command`) to the engine. */
type Message =
  | { readonly kind: 'command'; readonly command: SagaCommand }
  | { readonly kind: 'reply'; readonly reply: ReplyInput; readonly command: SagaCommand };

interface Delivery {
  readonly message: Message;
  /** When it arrives, in epoch milliseconds by the kit's clock. */
  readonly dueAt: number;
  /** Send order, for FIFO delivery. */
  readonly seq: number;
}

const ORCHESTRATOR = 'orchestrator';
/** Checked at run time too: a JavaScript caller's typo must not silently mean "random". */
const DELIVERY_ORDERS: readonly string[] = ['fifo', 'random'];
const RELAY_BATCH = 100;

/**
 * Creates a {@link SagaTestKit}: the real `SagaEngine` on the in-memory adapters, a manual
 * clock, and in-memory participants — what a saga author unit-tests a saga with, without
 * Kafka or MySQL.
 *
 * @example
 * ```ts
 * const kit = createSagaTestKit({ definitions: [placeOrder], participants });
 * const { sagaId } = await kit.start('place-order', { orderId: 'o-1', amount: 50 });
 * await kit.runUntilIdle();
 * expect(kit.state(sagaId).status).toBe('COMPLETED');
 * ```
 */
export function createSagaTestKit(options: SagaTestKitOptions): SagaTestKit {
  return new SagaTestKit(options);
}

/**
 * The in-memory runtime: commands go from the outbox to participant handlers, replies go
 * back to the engine, timers fire when the manual clock passes them. Nothing moves until
 * {@link runUntilIdle} or {@link advanceTime} is called, so every test is deterministic.
 *
 * Participants are idempotent, like the real ones: a redelivered command (same message
 * id) gets its stored reply, and a new attempt of a step that already succeeded gets the
 * stored success without running the handler again. Both count as duplicates. They guard
 * compensations like the participant SDK: the compensation of a step whose forward command
 * never applied — dropped, failed, or not delivered yet — answers success without running
 * its handler (nothing to undo, listed by {@link nothingToUndo}), and a forward command
 * arriving after its step's compensation is refused (`ALREADY_COMPENSATED`).
 */
export class SagaTestKit {
  /** The engine under test: start, act (operator actions), getState, getHistory. */
  readonly engine: SagaEngine;
  /** The kit's clock; move it with {@link advanceTime}. */
  readonly clock: ManualClock;
  /** The event store (with its outbox and EventProcess table). */
  readonly eventStore: InMemoryEventStore;
  /** The timers the engine set. */
  readonly scheduler: InMemoryScheduler;

  readonly #participants: ParticipantHandlers;
  readonly #maxSteps: number;
  readonly #encoder = new InMemoryCommandEncoder();
  readonly #replyIds = new SequentialIdGenerator({ prefix: 'reply' });
  readonly #faults = new Map<string, ParticipantFaults>();
  readonly #inFlight: Delivery[] = [];
  readonly #sent: SagaCommand[] = [];
  readonly #handled: SagaCommand[] = [];
  readonly #nothingToUndo: SagaCommand[] = [];
  readonly #duplicates: DuplicateDelivery[] = [];
  /** Participant EventProcess table: the reply each command message got. */
  readonly #repliesByMessage = new Map<string, ReplyInput>();
  /** Participant idempotency: the success payload of each applied (saga, step, direction). */
  readonly #applied = new Map<string, JsonObject>();
  #nextSeq = 0;
  #random: SeededRandom | null = null;

  constructor(options: SagaTestKitOptions) {
    const definitions = new DefinitionRegistry();
    for (const definition of options.definitions) definitions.register(definition);
    this.#participants = options.participants;
    checkHandlers(options.definitions, options.participants);
    this.#maxSteps = checkInteger('maxSteps', options.maxSteps ?? 10_000, 1);
    const startAt = options.startAt ?? '2030-01-01T00:00:00.000Z';
    this.clock = new ManualClock(new Date(checkTime('startAt', startAt)));
    this.eventStore = new InMemoryEventStore({ clock: this.clock });
    this.scheduler = new InMemoryScheduler();
    this.engine = new SagaEngine({
      definitions,
      eventStore: this.eventStore,
      scheduler: this.scheduler,
      commandEncoder: this.#encoder,
      clock: this.clock,
      ids: new SequentialIdGenerator({ prefix: 'saga' }),
      stateCache: new InMemorySagaStateCache(),
      logger: options.logger ?? noopLogger,
      ...(options.observer === undefined ? {} : { observer: options.observer }),
    });
  }

  /**
   * Starts a saga of `definition`, on its version, with an input of its type (nothing is
   * delivered until {@link runUntilIdle}).
   */
  start<TInput>(
    definition: SagaDefinition<TInput>,
    input: NoInfer<TInput>,
    options?: Omit<TestKitStartOptions, 'version'>,
  ): Promise<StartSagaResult>;
  /** Starts a saga by its definition's name, on the latest version unless `options.version`. */
  start(sagaType: string, input: unknown, options?: TestKitStartOptions): Promise<StartSagaResult>;
  start(
    saga: string | AnySagaDefinition,
    input: unknown,
    options: TestKitStartOptions = {},
  ): Promise<StartSagaResult> {
    return typeof saga === 'string'
      ? this.engine.start({ sagaType: saga, input, ...options })
      : this.engine.start({ sagaType: saga.name, input, ...options, version: saga.version });
  }

  /**
   * Delivers commands to the participants and replies to the engine, and fires the timers
   * due by the clock, until nothing is left to do now. Deliveries delayed into the future
   * and timers not yet due wait for {@link advanceTime}.
   *
   * @throws InvalidArgumentError when more than `maxSteps` deliveries were needed.
   */
  async runUntilIdle(): Promise<void> {
    for (let steps = 0; ; steps += 1) {
      if (steps >= this.#maxSteps) {
        throw new InvalidArgumentError(
          'maxSteps',
          this.#maxSteps,
          'runUntilIdle did not settle: a saga keeps producing work',
        );
      }
      await this.#relay();
      const now = this.clock.now();
      const message = this.#nextDelivery(now.getTime());
      if (message !== null) {
        await this.#deliver(message);
        continue;
      }
      // takeDue removes every due timer from the scheduler: each must be handled.
      const due = this.scheduler.takeDue(now);
      if (due.length === 0) return;
      for (const timer of due) await this.engine.handleTimer(timer);
    }
  }

  /**
   * Moves the clock forward by `ms`, stopping at every timer and delayed delivery on the
   * way (in time order) to run until idle there, then runs until idle at the end.
   */
  async advanceTime(ms: number): Promise<void> {
    const target = this.clock.now().getTime() + checkInteger('ms', ms, 0);
    await this.runUntilIdle();
    for (;;) {
      const next = this.#nextWakeUp();
      if (next === null || next > target) break;
      this.clock.set(new Date(Math.max(next, this.clock.now().getTime())));
      await this.runUntilIdle();
    }
    this.clock.set(new Date(target));
    await this.runUntilIdle();
  }

  /** The saga's current state, from the event store. @throws SagaNotFoundError */
  state(sagaId: string): SagaState {
    const state = this.eventStore.state(sagaId);
    if (state === null) throw new SagaNotFoundError(sagaId);
    return state;
  }

  /** The saga's events, in order. */
  history(sagaId: string): readonly SagaEvent[] {
    return this.eventStore.stream(sagaId).map((stored) => stored.event);
  }

  /** Every command the engine sent (published from the outbox), in order. */
  sentCommands(filter: CommandFilter = {}): readonly SagaCommand[] {
    return this.#sent.filter((command) => matches(command, filter));
  }

  /** The commands whose handler actually ran (not failed by a fault, not a duplicate). */
  handledCommands(filter: CommandFilter = {}): readonly SagaCommand[] {
    return this.#handled.filter((command) => matches(command, filter));
  }

  /**
   * The compensations a participant answered "nothing to undo": success without running
   * the handler, because the step's forward command never applied there (it was dropped,
   * failed, or had not arrived yet). They are not in {@link handledCommands}; a later
   * attempt of the same compensation is a duplicate, answered from the first.
   *
   * @example
   * ```ts
   * kit.faults('payment-service', 'ReserveCredit').dropNext();
   * // …the step times out and is compensated…
   * expect(kit.nothingToUndo().map((c) => c.command)).toEqual(['ReleaseCredit']);
   * ```
   */
  nothingToUndo(filter: CommandFilter = {}): readonly SagaCommand[] {
    return this.#nothingToUndo.filter((command) => matches(command, filter));
  }

  /** Every duplicate a participant or the orchestrator discarded, in order. */
  duplicates(filter: CommandFilter = {}): readonly DuplicateDelivery[] {
    return this.#duplicates.filter((duplicate) => matches(duplicate.command, filter));
  }

  /** How many messages are in flight (delivered neither yet nor lost). */
  inFlight(): number {
    return this.#inFlight.length;
  }

  /** The faults of one participant command; they apply from the next delivery on. */
  faults(participant: string, command: string): FaultController {
    return this.#faultsOf(participant, command);
  }

  /**
   * How in-flight deliveries are picked: `'fifo'` (the default) in the order they were
   * sent, or `'random'` with a seed, reordering commands and replies deterministically.
   */
  deliveryOrder(order: 'fifo'): this;
  deliveryOrder(order: 'random', seed: number): this;
  deliveryOrder(order: 'fifo' | 'random', seed?: number): this {
    if (order === 'fifo') {
      this.#random = null;
      return this;
    }
    if (!DELIVERY_ORDERS.includes(order)) {
      throw new InvalidArgumentError('order', order, "must be 'fifo' or 'random'");
    }
    if (seed === undefined) {
      throw new InvalidArgumentError('seed', seed, "'random' order needs an integer seed");
    }
    this.#random = new SeededRandom(seed);
    return this;
  }

  /** Publishes everything in the outbox: each command becomes a delivery to its participant. */
  async #relay(): Promise<void> {
    const now = this.clock.now().getTime();
    while (
      (await this.eventStore.outbox.publishBatch(RELAY_BATCH, (records) => {
        for (const record of records) {
          const { command } = this.#encoder.decode(record);
          this.#sent.push(command);
          const faults = this.#faultsOf(command.participant, command.command);
          if (faults.takeCommandDrop()) continue;
          this.#send({ kind: 'command', command }, now);
          if (faults.commandsDuplicated) this.#send({ kind: 'command', command }, now);
        }
        return Promise.resolve();
      })) > 0
    );
  }

  #send(message: Message, dueAt: number): void {
    this.#inFlight.push({ message, dueAt, seq: this.#nextSeq });
    this.#nextSeq += 1;
  }

  /** The next delivery due by `nowMs`: the oldest one, or a seeded random one. */
  #nextDelivery(nowMs: number): Message | null {
    const due = this.#inFlight
      .map((delivery, index) => ({ delivery, index }))
      .filter(({ delivery }) => delivery.dueAt <= nowMs)
      .sort((a, b) => a.delivery.dueAt - b.delivery.dueAt || a.delivery.seq - b.delivery.seq);
    if (due.length === 0) return null;
    const picked = this.#random === null ? due[0] : due[this.#random.nextInt(due.length)];
    if (picked === undefined) return null;
    this.#inFlight.splice(picked.index, 1);
    return picked.delivery.message;
  }

  /** The earliest time something becomes due: a timer or a delayed delivery. */
  #nextWakeUp(): number | null {
    const times = this.#inFlight.map((delivery) => delivery.dueAt);
    const timer = this.scheduler.nextDueAt();
    if (timer !== null) times.push(timer.getTime());
    return times.length === 0 ? null : Math.min(...times);
  }

  async #deliver(message: Message): Promise<void> {
    if (message.kind === 'command') {
      await this.#handleCommand(message.command);
      return;
    }
    const { reply, command } = message;
    const { duplicates } = await this.eventStore.eventProcess.receive([
      {
        consumer: ORCHESTRATOR,
        messageId: reply.replyId,
        sagaId: reply.sagaId,
        messageType: 'reply',
        payload: JSON.stringify(reply),
      },
    ]);
    if (duplicates.length > 0) {
      this.#duplicates.push({ kind: 'reply', command, replyId: reply.replyId });
      return;
    }
    await this.eventStore.eventProcess.claim(ORCHESTRATOR, reply.replyId, this.clock.now());
    await this.engine.handleReply(reply, {
      processed: { consumer: ORCHESTRATOR, messageId: reply.replyId },
    });
  }

  /** A participant receives a command: idempotency first, then faults, then the handler. */
  async #handleCommand(command: SagaCommand): Promise<void> {
    const faults = this.#faultsOf(command.participant, command.command);
    const stored = this.#repliesByMessage.get(command.messageId);
    const applied = this.#applied.get(appliedKeyOf(command));
    let reply: ReplyInput;
    if (stored !== undefined) {
      this.#duplicates.push({ kind: 'command', command, replyId: null });
      reply = { ...stored, replyId: this.#replyIds.newId() };
    } else if (applied !== undefined) {
      this.#duplicates.push({ kind: 'command', command, replyId: null });
      reply = this.#reply(command, { outcome: 'success', payload: applied });
    } else if (
      command.direction === 'compensation' &&
      !this.#applied.has(appliedKeyOf(command, 'forward'))
    ) {
      // The forward never applied: nothing to undo. Recording the compensation makes a
      // late forward refuse, as the participant SDK's compensation guard does.
      this.#applied.set(appliedKeyOf(command), {});
      this.#nothingToUndo.push(command);
      reply = this.#reply(command, { outcome: 'success', payload: {} });
    } else if (
      command.direction === 'forward' &&
      this.#applied.has(appliedKeyOf(command, 'compensation'))
    ) {
      reply = this.#reply(command, {
        outcome: 'failure',
        failure: {
          kind: 'business',
          code: 'ALREADY_COMPENSATED',
          message: `step '${command.step}' was compensated already; it is never applied after its compensation`,
        },
      });
    } else {
      const failure = faults.takeFailure();
      reply =
        failure === null
          ? await this.#runHandler(command)
          : this.#reply(command, { outcome: 'failure', failure });
    }
    if (stored === undefined) this.#repliesByMessage.set(command.messageId, reply);
    if (faults.takeReplyDrop()) return;
    const dueAt = this.clock.now().getTime() + faults.replyDelayMs;
    this.#send({ kind: 'reply', reply, command }, dueAt);
    if (faults.repliesDuplicated) {
      // A redelivery of the same message, then the participant re-sending its stored reply.
      this.#send({ kind: 'reply', reply, command }, dueAt);
      this.#send(
        { kind: 'reply', reply: { ...reply, replyId: this.#replyIds.newId() }, command },
        dueAt,
      );
    }
  }

  async #runHandler(command: SagaCommand): Promise<ReplyInput> {
    const handler = this.#participants[command.participant]?.[command.command];
    if (handler === undefined) {
      throw new InvalidArgumentError(
        'participants',
        `${command.participant}.${command.command}`,
        'has no handler',
      );
    }
    const context: HandlerContext = {
      sagaId: command.sagaId,
      sagaType: command.sagaType,
      step: command.step,
      direction: command.direction,
      attempt: command.attempt,
      messageId: command.messageId,
      participant: command.participant,
      command: command.command,
      now: this.clock.now(),
    };
    this.#handled.push(command);
    try {
      const payload = (await handler(structuredCopy(command.payload), context)) ?? {};
      if (!isJsonObject(payload)) {
        return this.#reply(command, {
          outcome: 'failure',
          failure: {
            kind: 'technical',
            code: 'HANDLER_ERROR',
            message: 'the handler returned something other than a JSON object',
          },
        });
      }
      this.#applied.set(appliedKeyOf(command), payload);
      return this.#reply(command, { outcome: 'success', payload });
    } catch (error: unknown) {
      const failure =
        error instanceof BusinessError
          ? { kind: 'business' as const, code: error.reason, message: error.message }
          : {
              kind: 'technical' as const,
              code: 'HANDLER_ERROR',
              message: errorMessage(error),
            };
      return this.#reply(command, { outcome: 'failure', failure });
    }
  }

  #reply(
    command: SagaCommand,
    outcome:
      | { readonly outcome: 'success'; readonly payload: JsonObject }
      | {
          readonly outcome: 'failure';
          readonly failure: { kind: 'business' | 'technical'; code: string; message: string };
        },
  ): ReplyInput {
    return {
      type: 'reply',
      replyId: this.#replyIds.newId(),
      sagaId: command.sagaId,
      step: command.step,
      direction: command.direction,
      attempt: command.attempt,
      ...outcome,
    };
  }

  #faultsOf(participant: string, command: string): ParticipantFaults {
    const key = JSON.stringify([participant, command]);
    let faults = this.#faults.get(key);
    if (faults === undefined) {
      faults = new ParticipantFaults();
      this.#faults.set(key, faults);
    }
    return faults;
  }
}

/** Every participant command the definitions send must have a handler. */
function checkHandlers(
  definitions: readonly AnySagaDefinition[],
  participants: ParticipantHandlers,
): void {
  const missing = new Set<string>();
  for (const definition of definitions) {
    for (const step of definition.steps.values()) {
      const commands = [step, ...(step.compensation === null ? [] : [step.compensation])];
      for (const { participant, command } of commands) {
        if (participants[participant]?.[command] === undefined) {
          missing.add(`${participant}.${command}`);
        }
      }
    }
  }
  if (missing.size > 0) {
    throw new InvalidArgumentError(
      'participants',
      [...missing],
      'every command and compensation of the definitions needs a handler',
    );
  }
}

/** Participant idempotency is per saga, step and direction: one apply, then stored replies. */
function appliedKeyOf(
  command: SagaCommand,
  direction: SagaCommand['direction'] = command.direction,
): string {
  return JSON.stringify([command.sagaId, command.step, direction]);
}

function matches(command: SagaCommand, filter: CommandFilter): boolean {
  return (
    (filter.sagaId === undefined || command.sagaId === filter.sagaId) &&
    (filter.participant === undefined || command.participant === filter.participant) &&
    (filter.command === undefined || command.command === filter.command) &&
    (filter.step === undefined || command.step === filter.step) &&
    (filter.direction === undefined || command.direction === filter.direction)
  );
}

/** Handlers get their own copy of the payload, as a participant decoding a message would. */
function structuredCopy(payload: JsonObject): JsonObject {
  return JSON.parse(JSON.stringify(payload)) as JsonObject;
}

function isJsonObject(value: unknown): value is JsonObject {
  return isPlainObject(value) && Object.values(value).every(isJsonValue);
}

/** True for what survives a JSON round trip unchanged (no Date, Map, undefined, NaN, …). */
function isJsonValue(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      if (value === null) return true;
      if (Array.isArray(value)) return value.every(isJsonValue);
      return isPlainObject(value) && Object.values(value).every(isJsonValue);
    default:
      return false;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
