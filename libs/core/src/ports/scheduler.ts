import { type SagaTimer } from '../model/saga-timer';

/**
 * Durable timers: step timeouts and retry back-offs. When a timer is due the runtime
 * hands it to the engine (`SagaEngine.handleTimer`).
 *
 * Contract (checked by `schedulerContract` in `@sagaflow/core/testing`):
 * - `schedule` is idempotent per `timerId`: scheduling the same id twice fires once;
 * - a cancelled timer never fires; cancelling an unknown or fired id is a no-op;
 * - a timer fires no earlier than its `dueAt`.
 */
export interface Scheduler {
  schedule(timers: readonly SagaTimer[]): Promise<void>;
  cancel(timerIds: readonly string[]): Promise<void>;
}
