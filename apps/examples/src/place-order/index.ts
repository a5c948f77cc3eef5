import { type AnySagaDefinition } from '@sagaflow/core';

import { loadPlaceOrderSagaOptions } from './place-order-env';
import { placeOrderSaga } from './place-order.saga';

export * from './place-order.saga';
export * from './place-order-env';

/**
 * The saga definitions of the examples, as the orchestrator loads them from the module
 * named by `SAGAFLOW_SAGAS_MODULE` (`@sagaflow/examples/sagas`): the place-order saga with
 * the options of `SAGAFLOW_PLACE_ORDER_STEP_TIMEOUT_MS`, `SAGAFLOW_PLACE_ORDER_MAX_ATTEMPTS`
 * and `SAGAFLOW_PLACE_ORDER_RETRY_DELAY_MS` (see {@link loadPlaceOrderSagaOptions}), read
 * when the module loads. A bad value makes the module fail to load with an `InvalidArgumentError`
 * naming the variable, which the orchestrator reports at start-up.
 */
export const definitions: AnySagaDefinition[] = [
  placeOrderSaga(loadPlaceOrderSagaOptions(process.env)),
];
