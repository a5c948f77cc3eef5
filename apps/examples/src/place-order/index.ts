import { type AnySagaDefinition } from '@sagaflow/core';

import { placeOrder } from './place-order.saga';

export * from './place-order.saga';

/**
 * The saga definitions of the examples, as the orchestrator loads them from the module
 * named by `SAGAFLOW_SAGAS_MODULE` (`@sagaflow/examples/sagas`).
 */
export const definitions: AnySagaDefinition[] = [placeOrder];
