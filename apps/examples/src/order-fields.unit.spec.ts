import { inventoryHandlers } from './inventory-service/inventory-handlers';
import { MAX_AMOUNT, MAX_QUANTITY } from './order-fields';
import { orderHandlers } from './order-service/order-handlers';
import { paymentHandlers } from './payment-service/payment-handlers';
import { placeOrderInput } from './place-order/place-order.saga';

const order = { orderId: 'o-1', customerId: 'c-1', sku: 'sku-1', quantity: 2, amount: 60 };

/** The schemas that take an amount or a quantity: the saga's input and the commands. */
const amountSchemas = {
  'place-order input': placeOrderInput,
  CreateOrder: orderHandlers.CreateOrder?.schema,
  ReserveCredit: paymentHandlers.ReserveCredit?.schema,
};
const quantitySchemas = {
  'place-order input': placeOrderInput,
  CreateOrder: orderHandlers.CreateOrder?.schema,
  ReserveStock: inventoryHandlers.ReserveStock?.schema,
};

/** The issue messages a schema reports for the payload, or [] when it accepts it. */
function issues(schema: (typeof amountSchemas)[keyof typeof amountSchemas], payload: unknown) {
  const result = schema?.safeParse(payload);
  if (result === undefined) throw new Error('no such schema');
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('order amounts', () => {
  it.each(Object.entries(amountSchemas))(
    '%s: accepts cents from 0.01 to the column maximum',
    (_, schema) => {
      for (const amount of [0.01, 19.99, 123.45, 0.1 + 0.2, MAX_AMOUNT]) {
        expect(issues(schema, { ...order, amount })).toEqual([]);
      }
    },
  );

  it.each(Object.entries(amountSchemas))(
    '%s: refuses zero, negatives, fractions of a cent and what DECIMAL(12,2) cannot hold',
    (_, schema) => {
      expect(issues(schema, { ...order, amount: 0 })).toEqual(['amount: must be positive']);
      expect(issues(schema, { ...order, amount: -5 })).toEqual(['amount: must be positive']);
      expect(issues(schema, { ...order, amount: 0.001 })).toEqual([
        'amount: must have at most two decimals',
      ]);
      expect(issues(schema, { ...order, amount: 10.005 })).toEqual([
        'amount: must have at most two decimals',
      ]);
      expect(issues(schema, { ...order, amount: 1e308 })).toEqual([
        'amount: must be at most 9999999999.99',
      ]);
      expect(issues(schema, { ...order, amount: 10_000_000_000 })).toEqual([
        'amount: must be at most 9999999999.99',
      ]);
    },
  );
});

describe('order quantities', () => {
  it.each(Object.entries(quantitySchemas))(
    '%s: accepts whole units from 1 to 1000',
    (_, schema) => {
      for (const quantity of [1, 7, MAX_QUANTITY]) {
        expect(issues(schema, { ...order, quantity })).toEqual([]);
      }
    },
  );

  it.each(Object.entries(quantitySchemas))(
    '%s: refuses 0, more than 1000 and parts of a unit',
    (_, schema) => {
      expect(issues(schema, { ...order, quantity: 0 })).toEqual(['quantity: must be at least 1']);
      expect(issues(schema, { ...order, quantity: 1001 })).toEqual([
        'quantity: must be at most 1000',
      ]);
      expect(issues(schema, { ...order, quantity: 1.5 })).toEqual([
        'quantity: must be a whole number of units',
      ]);
    },
  );
});
