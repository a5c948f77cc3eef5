import { checkInteger } from '../errors/validation';
import { type SagaTimer } from '../model/saga-timer';
import { type Scheduler } from '../ports/scheduler';
import {
  type ContractFixture,
  type ContractIds,
  type ContractSuiteOptions,
  contractTest,
} from './contract-support';

/** A timer the scheduler handed to the runtime, and when. */
export interface FiredTimer {
  readonly timer: SagaTimer;
  /** The scheduler's time when it fired the timer. */
  readonly firedAt: Date;
}

/** What {@link schedulerContract} runs against, created afresh for every test. */
export interface SchedulerContractFixture extends ContractFixture {
  /** The implementation under test. */
  readonly scheduler: Scheduler;
  /** The time the scheduler goes by (the wall clock, or a manual clock). */
  now(): Date;
  /**
   * Lets a little time pass and returns the timers fired since the previous call. A real
   * scheduler sleeps one short poll interval (e.g. 20 ms); an in-memory one advances its
   * manual clock by a step and fires what is due. The suite polls with a deadline.
   */
  poll(): Promise<readonly FiredTimer[]>;
}

/** Creates the fixture of one test; `teardown` on it is called after the test. */
export type SchedulerContractFactory = () => Promise<SchedulerContractFixture>;

/** Options of {@link schedulerContract}. */
export interface SchedulerContractOptions extends ContractSuiteOptions {
  /**
   * How far ahead of `now()` the suite sets timers, in milliseconds: short, so a real
   * scheduler fires them quickly, but long enough to cancel one before it is due.
   * @defaultValue `300`
   */
  readonly dueInMs?: number;
  /**
   * How long the suite polls for an expected timer, by `now()`, before failing.
   * @defaultValue `4000`
   */
  readonly waitMs?: number;
}

/**
 * Declares the jest tests of the {@link Scheduler} contract against the scheduler the
 * factory returns: idempotent per timer id, cancelled timers never fire, and no timer
 * fires before its `dueAt`. Timing clauses use short due times and bounded polling.
 *
 * "Never fires" is observed with a sentinel: a second timer due after the one under
 * test; once the sentinel fired, the first one would have fired too.
 *
 * @example
 * ```ts
 * schedulerContract('BullMqScheduler', async () => {
 *   const fired: FiredTimer[] = [];
 *   const scheduler = await BullMqScheduler.start({ queue: `timers-${suffix}`, onTimer: async (timer) => {
 *     fired.push({ timer, firedAt: new Date() });
 *   } });
 *   return {
 *     scheduler,
 *     now: () => new Date(),
 *     poll: async () => { await sleep(20); return fired.splice(0); },
 *     teardown: () => scheduler.close(),
 *   };
 * }, { runId: `sch-${suffix}`, testTimeoutMs: 15_000 });
 * ```
 */
export function schedulerContract(
  name: string,
  factory: SchedulerContractFactory,
  options: SchedulerContractOptions = {},
): void {
  const dueInMs = checkInteger('dueInMs', options.dueInMs ?? 300, 1);
  const waitMs = checkInteger('waitMs', options.waitMs ?? 4000, 1);
  const test = contractTest('sch', factory, options);

  describe(`Scheduler contract: ${name}`, () => {
    test('a scheduled timer fires, unchanged, no earlier than its dueAt', async (f, id) => {
      const timer = timerDue(f, id, 't1', dueInMs);
      await f.scheduler.schedule([timer]);
      const fired = await waitFor(f, [timer.timerId], waitMs);
      const t1 = fired.filter((x) => x.timer.timerId === timer.timerId);
      expect(t1.map((x) => x.timer)).toEqual([timer]);
      expect(t1[0]?.firedAt.getTime()).toBeGreaterThanOrEqual(Date.parse(timer.dueAt));
    });

    test('several timers each fire once, none before its dueAt', async (f, id) => {
      const timers = [3, 1, 2].map((n) => timerDue(f, id, `t${n}`, dueInMs * n));
      await f.scheduler.schedule(timers);
      const fired = await waitFor(
        f,
        timers.map((t) => t.timerId),
        waitMs * 2,
      );
      for (const timer of timers) {
        const mine = fired.filter((x) => x.timer.timerId === timer.timerId);
        expect(mine).toHaveLength(1);
        expect(mine[0]?.firedAt.getTime()).toBeGreaterThanOrEqual(Date.parse(timer.dueAt));
      }
    });

    test('scheduling the same timerId twice fires it once', async (f, id) => {
      const timer = timerDue(f, id, 't1', dueInMs);
      await f.scheduler.schedule([timer, timer]);
      await f.scheduler.schedule([timer]);
      const sentinel = timerDue(f, id, 'sentinel', dueInMs * 2);
      await f.scheduler.schedule([sentinel]);
      const fired = await waitFor(f, [sentinel.timerId], waitMs);
      expect(fired.filter((x) => x.timer.timerId === timer.timerId)).toHaveLength(1);
    });

    test('a cancelled timer never fires; the others still do', async (f, id) => {
      const cancelled = timerDue(f, id, 'cancelled', dueInMs);
      const kept = timerDue(f, id, 'kept', dueInMs);
      const sentinel = timerDue(f, id, 'sentinel', dueInMs * 2);
      await f.scheduler.schedule([cancelled, kept, sentinel]);
      await f.scheduler.cancel([cancelled.timerId]);
      const fired = await waitFor(f, [kept.timerId, sentinel.timerId], waitMs);
      expect(fired.map((x) => x.timer.timerId)).not.toContain(cancelled.timerId);
    });

    test('cancelling an unknown or an already fired timer is a no-op', async (f, id) => {
      await f.scheduler.cancel([id('unknown')]);
      const first = timerDue(f, id, 'first', dueInMs);
      await f.scheduler.schedule([first]);
      await waitFor(f, [first.timerId], waitMs);
      await f.scheduler.cancel([first.timerId, id('unknown')]);
      const next = timerDue(f, id, 'next', dueInMs);
      await f.scheduler.schedule([next]);
      const fired = await waitFor(f, [next.timerId], waitMs);
      expect(fired.map((x) => x.timer.timerId)).not.toContain(first.timerId);
    });
  });
}

function timerDue(
  f: SchedulerContractFixture,
  id: ContractIds,
  label: string,
  inMs: number,
): SagaTimer {
  const sagaId = id('saga');
  return {
    timerId: id(label),
    sagaId,
    step: label,
    direction: 'forward',
    attempt: 1,
    purpose: 'timeout',
    dueAt: new Date(f.now().getTime() + inMs).toISOString(),
  };
}

/**
 * Polls until every id in `timerIds` fired, or fails once `waitMs` passed by the
 * fixture's clock. Returns everything fired meanwhile.
 */
async function waitFor(
  f: SchedulerContractFixture,
  timerIds: readonly string[],
  waitMs: number,
): Promise<FiredTimer[]> {
  const deadline = f.now().getTime() + waitMs;
  const fired: FiredTimer[] = [];
  const missing = () => timerIds.filter((t) => !fired.some((x) => x.timer.timerId === t));
  while (missing().length > 0 && f.now().getTime() <= deadline) {
    fired.push(...(await f.poll()));
  }
  expect(missing()).toEqual([]);
  return fired;
}
