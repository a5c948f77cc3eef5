import {
  loadPlaceOrderSagaOptions,
  placeOrderSaga,
  readInventorySnapshot,
  readOrders,
  readPaymentsSnapshot,
} from '@sagaflow/examples';
import {
  checkConsistency,
  checkSagaStreams,
  type ConsistencyCheck,
  type PlaceOrderOutcome,
  type Stack,
} from '@sagaflow/stack';

import { type StackDatabases } from './stack-databases';

/** The place-order definition's steps and order, which the stream audit follows (options aside). */
const PLACE_ORDER_SHAPE = placeOrderSaga(loadPlaceOrderSagaOptions({}));

/** The sagas of the stack and the consistency checks of the participants' state against them. */
export interface ConsistencyReport {
  readonly sagas: readonly PlaceOrderOutcome[];
  readonly checks: readonly ConsistencyCheck[];
  /** The failed checks, each with what broke it: `[]` when the state is consistent. */
  readonly failures: readonly string[];
}

/**
 * Reads every place-order saga, its stored event stream and the three services' state, and
 * checks them against each other (`checkConsistency`: held credit and stock, orders, per
 * customer, SKU and order) and the streams against the decider's invariants
 * (`checkSagaStreams`).
 */
export async function checkStack(
  stack: Stack,
  dbs: StackDatabases,
  seededStock: ReadonlyMap<string, number>,
): Promise<ConsistencyReport> {
  const [sagas, payments, inventory, orders, streams] = await Promise.all([
    dbs.orchestrator.placeOrderOutcomes(),
    readPaymentsSnapshot(stack.databaseTarget('payment-service')),
    readInventorySnapshot(stack.databaseTarget('inventory-service')),
    readOrders(stack.databaseTarget('order-service')),
    dbs.orchestrator.sagaStreams(),
  ]);
  const checks = [
    ...checkConsistency({ sagas, payments, inventory, orders, seededStock }),
    ...checkSagaStreams(PLACE_ORDER_SHAPE, streams),
  ];
  const failures = checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.problems.join('; ')}`);
  return { sagas, checks, failures };
}
