import { type Environment, envInteger, envVar, readEnv } from '@sagaflow/config';

import { type PlaceOrderSagaOptions } from './place-order.saga';

/** The variables of the place-order saga's options, with the saga's own defaults. */
const placeOrderEnv = {
  /**
   * `SAGAFLOW_PLACE_ORDER_STEP_TIMEOUT_MS`: each command's reply timeout, 10–86400000.
   * @defaultValue `10000`
   */
  stepTimeoutMs: envVar(
    'SAGAFLOW_PLACE_ORDER_STEP_TIMEOUT_MS',
    envInteger({ default: 10_000, min: 10, max: 86_400_000 }),
  ),
  /**
   * `SAGAFLOW_PLACE_ORDER_MAX_ATTEMPTS`: attempts of each step up to the pivot, 1–100.
   * @defaultValue `3`
   */
  maxAttempts: envVar(
    'SAGAFLOW_PLACE_ORDER_MAX_ATTEMPTS',
    envInteger({ default: 3, min: 1, max: 100 }),
  ),
  /**
   * `SAGAFLOW_PLACE_ORDER_RETRY_DELAY_MS`: delay before a step's first retry, doubling up to
   * the saga's 10 s cap, 1–10000. @defaultValue `200`
   */
  retryDelayMs: envVar(
    'SAGAFLOW_PLACE_ORDER_RETRY_DELAY_MS',
    envInteger({ default: 200, min: 1, max: 10_000 }),
  ),
};

/**
 * Reads the place-order saga's options (`placeOrderSaga(options)`) from
 * `SAGAFLOW_PLACE_ORDER_STEP_TIMEOUT_MS`, `SAGAFLOW_PLACE_ORDER_MAX_ATTEMPTS` and
 * `SAGAFLOW_PLACE_ORDER_RETRY_DELAY_MS`; an unset or blank variable takes the saga's
 * default. Throws an `InvalidArgumentError` naming every bad variable, its value and the
 * expected form.
 *
 * @example
 * ```ts
 * const definition = placeOrderSaga(loadPlaceOrderSagaOptions(process.env));
 * ```
 */
export function loadPlaceOrderSagaOptions(env: Environment): Required<PlaceOrderSagaOptions> {
  return readEnv(placeOrderEnv, env);
}
