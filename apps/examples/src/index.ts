/**
 * @packageDocumentation
 * Example participants (order, payment, inventory services), the place-order saga, and the
 * helpers the local stack (`@sagaflow/stack`) and the end-to-end tests use: run a service
 * in-process, seed and read its database, amounts in cents.
 */
export * from './config';
export * from './money';
export type * from './example-service';
export * from './example-services';
export * from './place-order/index';
export * from './order-service/order-entity';
export * from './order-service/notification-entity';
export * from './order-service/order-contract';
export * from './order-service/order-handlers';
export * from './order-service/order-service';
export * from './order-service/create-orders-1767312000000';
export * from './payment-service/customer-entity';
export * from './payment-service/credit-reservation-entity';
export * from './payment-service/payment-contract';
export * from './payment-service/payment-handlers';
export * from './payment-service/payment-service';
export * from './payment-service/create-payments-1767312100000';
export * from './inventory-service/stock-entity';
export * from './inventory-service/stock-reservation-entity';
export * from './inventory-service/inventory-contract';
export * from './inventory-service/inventory-handlers';
export * from './inventory-service/inventory-service';
export * from './inventory-service/create-inventory-1767312200000';
export * from './service-database';
export * from './service-server';
export * from './run-service';
export * from './participant-settings';
export * from './seed/service-database-target';
export * from './seed/seed-customers';
export * from './seed/seed-stock';
export * from './seed/read-payments-snapshot';
export * from './seed/read-inventory-snapshot';
export * from './seed/read-orders';
