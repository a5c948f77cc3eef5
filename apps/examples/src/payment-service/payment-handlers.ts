import { BusinessError } from '@sagaflow/core';
import { implementParticipant } from '@sagaflow/participant';

import { money, toCents } from '../money';
import { CreditReservationEntity } from './credit-reservation-entity';
import { CustomerEntity } from './customer-entity';
import { paymentContract } from './payment-contract';

/**
 * The payment-service's handlers of {@link paymentContract}:
 * - `ReserveCredit` locks the customer's row, then holds the credit (`ORDER_ALREADY_RESERVED`
 *   when the order holds some already);
 * - `ReleaseCredit` gives a HELD reservation back; nothing to do when there is none or it was
 *   released.
 */
export const paymentHandlers = implementParticipant(paymentContract, {
  ReserveCredit: async (payload, { manager, now }) => {
    const customer = await manager.findOne(CustomerEntity, {
      where: { customerId: payload.customerId },
      lock: { mode: 'pessimistic_write' },
    });
    if (customer === null) {
      throw new BusinessError('UNKNOWN_CUSTOMER', `customer ${payload.customerId} is unknown`);
    }
    const existing = await manager.findOne(CreditReservationEntity, {
      where: { orderId: payload.orderId },
    });
    if (existing !== null) {
      throw new BusinessError(
        'ORDER_ALREADY_RESERVED',
        `order ${payload.orderId} already holds credit`,
      );
    }
    const availableCents = toCents(customer.creditLimit) - toCents(customer.creditReserved);
    const amountCents = toCents(payload.amount);
    if (availableCents < amountCents) {
      throw new BusinessError(
        'CREDIT_LIMIT_EXCEEDED',
        `customer ${payload.customerId} has ${money(availableCents)} available, the order needs ${money(amountCents)}`,
      );
    }
    await manager.insert(CreditReservationEntity, {
      orderId: payload.orderId,
      customerId: payload.customerId,
      amount: money(amountCents),
      status: 'HELD',
      createdAt: now,
      updatedAt: now,
    });
    await manager.update(
      CustomerEntity,
      { customerId: payload.customerId },
      {
        creditReserved: money(toCents(customer.creditReserved) + amountCents),
        updatedAt: now,
      },
    );
    return {
      orderId: payload.orderId,
      customerId: payload.customerId,
      amount: amountCents / 100,
      creditAvailable: (availableCents - amountCents) / 100,
    };
  },

  ReleaseCredit: async (payload, { manager, now }) => {
    const reservation = await manager.findOne(CreditReservationEntity, {
      where: { orderId: payload.orderId },
      lock: { mode: 'pessimistic_write' },
    });
    if (reservation === null || reservation.status === 'RELEASED') {
      return { orderId: payload.orderId, released: 0 };
    }
    const customer = await manager.findOne(CustomerEntity, {
      where: { customerId: reservation.customerId },
      lock: { mode: 'pessimistic_write' },
    });
    const amountCents = toCents(reservation.amount);
    if (customer !== null) {
      await manager.update(
        CustomerEntity,
        { customerId: customer.customerId },
        {
          creditReserved: money(toCents(customer.creditReserved) - amountCents),
          updatedAt: now,
        },
      );
    }
    await manager.update(
      CreditReservationEntity,
      { orderId: payload.orderId },
      { status: 'RELEASED', updatedAt: now },
    );
    return { orderId: payload.orderId, released: amountCents / 100 };
  },
});
