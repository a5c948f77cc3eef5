import { type CloseFailure, ConflictError, describeError, ShutdownError } from '../errors/errors';
import { type Clock, systemClock } from '../ports/clock';
import { type Logger } from '../ports/logger';

/**
 * When a component closes at stop, in this order: what takes input in (HTTP, consumers),
 * then what works on it (worker pools, timers, recurring jobs), then what delivers its
 * results (the outbox relay's last pass, producers), then the connections. Within a stage,
 * the component opened last closes first.
 */
export type StopStage = 'intake' | 'work' | 'delivery' | 'connections';

const STOP_ORDER: readonly StopStage[] = ['intake', 'work', 'delivery', 'connections'];

/** Options of {@link ServiceLifecycle}. */
export interface ServiceLifecycleOptions {
  /** The service, as logs and errors name it: `orchestrator`, `participant`. */
  readonly service: string;
  readonly logger: Logger;
  /** Times the stop for its log line. @defaultValue the system clock */
  readonly clock?: Clock;
  /**
   * Whether `start` may run again after a `stop` (the participant builds its runtime at each
   * start); otherwise a start after a stop is refused with a `ConflictError`
   * (`<SERVICE>_STOPPED`).
   * @defaultValue `false`
   */
  readonly restartable?: boolean;
}

interface Closer {
  readonly stage: StopStage;
  readonly component: string;
  readonly close: () => Promise<unknown>;
}

/**
 * The start-up and ordered shutdown of a service's components, one way for the orchestrator
 * and the participant:
 *
 * - `start(run)` runs `run`, which opens components one after the other and declares each
 *   one's closer with {@link opened} as soon as it exists; a start while running does nothing;
 * - when `run` fails, what it opened is closed again (in stop order) and its error is thrown;
 * - `stop()` closes every declared component stage by stage ({@link StopStage}), tries every
 *   one whatever failed before it, logs each failure, and throws one {@link ShutdownError}
 *   naming them all; a stop with nothing open does nothing;
 * - starts and stops never overlap: each waits for the one before it to settle, so a stop
 *   during a start closes what that start opened.
 *
 * @example
 * ```ts
 * const lifecycle = new ServiceLifecycle({ service: 'participant', logger, restartable: true });
 * await lifecycle.start(async () => {
 *   lifecycle.opened('connections', 'redis', () => redis.quit());
 *   await pool.start();
 *   lifecycle.opened('work', 'worker pool', () => pool.close());
 * });
 * await lifecycle.stop(); // worker pool, then redis
 * ```
 */
export class ServiceLifecycle {
  readonly #service: string;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #restartable: boolean;
  #closers: Closer[] = [];
  #running = false;
  #stopped = false;
  #transition: Promise<void> = Promise.resolve();

  constructor(options: ServiceLifecycleOptions) {
    this.#service = options.service;
    this.#log = options.logger;
    this.#clock = options.clock ?? systemClock;
    this.#restartable = options.restartable ?? false;
  }

  /** True between a start that succeeded and the next stop. */
  get running(): boolean {
    return this.#running;
  }

  /**
   * Declares a component to close at the next stop (or when the start under way fails). May
   * be called before `start` for what opens as it is created (a Redis client connects at
   * once).
   */
  opened(stage: StopStage, component: string, close: () => Promise<unknown>): void {
    this.#closers.push({ stage, component, close });
  }

  /**
   * Runs `run` unless running already.
   * @throws what `run` threw, once what it opened is closed again.
   * @throws ConflictError (`<SERVICE>_STOPPED`) after a stop, unless restartable.
   */
  start(run: () => Promise<void>): Promise<void> {
    return this.#serially(async () => {
      if (this.#running) return;
      if (this.#stopped && !this.#restartable) {
        throw new ConflictError(
          `${this.#service.toUpperCase()}_STOPPED`,
          `this ${this.#service} was stopped and cannot start again; create a new one`,
        );
      }
      try {
        await run();
      } catch (error) {
        this.#log.error(`${this.#service} failed to start; stopping what was started`, {
          error: describeError(error),
        });
        await this.#closeAll();
        throw error;
      }
      this.#running = true;
    });
  }

  /**
   * Closes every declared component in stop order, trying each one.
   * @throws ShutdownError naming every component that failed to close.
   */
  stop(): Promise<void> {
    return this.#serially(async () => {
      this.#stopped = true;
      this.#running = false;
      if (this.#closers.length === 0) return;
      const startedMs = this.#clock.now().getTime();
      this.#log.info(`${this.#service} stopping`);
      const failures = await this.#closeAll();
      this.#log.info(`${this.#service} stopped`, {
        durationMs: this.#clock.now().getTime() - startedMs,
        failures: failures.map((f) => f.component),
      });
      if (failures.length > 0) throw new ShutdownError(this.#service, failures);
    });
  }

  async #closeAll(): Promise<CloseFailure[]> {
    const closers = this.#closers;
    this.#closers = [];
    const failures: CloseFailure[] = [];
    for (const stage of STOP_ORDER) {
      for (const { component, close } of closers.filter((c) => c.stage === stage).reverse()) {
        try {
          await close();
        } catch (error) {
          failures.push({ component, error });
          this.#log.error('closing a component failed', {
            component,
            error: describeError(error),
          });
        }
      }
    }
    return failures;
  }

  #serially(work: () => Promise<void>): Promise<void> {
    const next = this.#transition.then(work, work);
    this.#transition = next.catch(() => undefined);
    return next;
  }
}
