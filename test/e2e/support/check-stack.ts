import { readInventorySnapshot, readOrders, readPaymentsSnapshot } from '@sagaflow/examples';
import {
  checkConsistency,
  type ConsistencyCheck,
  type PlaceOrderOutcome,
  type Stack,
} from '@sagaflow/examples/demo';

import { type StackDatabases } from './stack-databases';

/** The sagas of the stack and the consistency checks of the participants' state against them. */
export interface ConsistencyReport {
  readonly sagas: readonly PlaceOrderOutcome[];
  readonly checks: readonly ConsistencyCheck[];
  /** The failed checks, each with what broke it: `[]` when the state is consistent. */
  readonly failures: readonly string[];
}

/**
 * Reads every place-order saga and the three services' state, and checks them against each
 * other (`checkConsistency`): held credit and stock, orders, per customer, SKU and order.
 */
export async function checkStack(
  stack: Stack,
  dbs: StackDatabases,
  seededStock: ReadonlyMap<string, number>,
): Promise<ConsistencyReport> {
  const [sagas, payments, inventory, orders] = await Promise.all([
    dbs.orchestrator.placeOrderOutcomes(),
    readPaymentsSnapshot(stack.databaseTarget('payment-service')),
    readInventorySnapshot(stack.databaseTarget('inventory-service')),
    readOrders(stack.databaseTarget('order-service')),
  ]);
  const checks = checkConsistency({ sagas, payments, inventory, orders, seededStock });
  const failures = checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.problems.join('; ')}`);
  return { sagas, checks, failures };
}
