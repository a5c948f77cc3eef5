import { InvalidArgumentError } from '@sagaflow/core';

import { loadPlaceOrderSagaOptions } from './place-order-env';
import { placeOrderSaga } from './place-order.saga';

describe('loadPlaceOrderSagaOptions', () => {
  it("takes the saga's defaults when the variables are unset or blank", () => {
    const defaults = { stepTimeoutMs: 10_000, maxAttempts: 3, retryDelayMs: 200 };
    expect(loadPlaceOrderSagaOptions({})).toEqual(defaults);
    expect(loadPlaceOrderSagaOptions({ SAGAFLOW_PLACE_ORDER_MAX_ATTEMPTS: ' ' })).toEqual(defaults);
  });

  it('reads the variables into the options the saga is built with', () => {
    const options = loadPlaceOrderSagaOptions({
      SAGAFLOW_PLACE_ORDER_STEP_TIMEOUT_MS: '1500',
      SAGAFLOW_PLACE_ORDER_MAX_ATTEMPTS: '5',
      SAGAFLOW_PLACE_ORDER_RETRY_DELAY_MS: '50',
    });
    const reserveStock = placeOrderSaga(options).steps.get('reserve-stock');

    expect(options).toEqual({ stepTimeoutMs: 1500, maxAttempts: 5, retryDelayMs: 50 });
    expect(reserveStock).toMatchObject({
      timeoutMs: 1500,
      retry: { maxAttempts: 5, initialDelayMs: 50 },
      compensation: { timeoutMs: 1500 },
    });
  });

  it('names every bad variable, its value and the expected form', () => {
    const read = () =>
      loadPlaceOrderSagaOptions({
        SAGAFLOW_PLACE_ORDER_STEP_TIMEOUT_MS: '5s',
        SAGAFLOW_PLACE_ORDER_MAX_ATTEMPTS: '0',
        SAGAFLOW_PLACE_ORDER_RETRY_DELAY_MS: '60000',
      });

    expect(read).toThrow(InvalidArgumentError);
    expect(read).toThrow(
      [
        'invalid configuration (3 variables):',
        '  SAGAFLOW_PLACE_ORDER_STEP_TIMEOUT_MS="5s": expected an integer from 10 to 86400000',
        '  SAGAFLOW_PLACE_ORDER_MAX_ATTEMPTS="0": expected an integer from 1 to 100',
        '  SAGAFLOW_PLACE_ORDER_RETRY_DELAY_MS="60000": expected an integer from 1 to 10000',
      ].join('\n'),
    );
  });
});
