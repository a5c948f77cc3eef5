/**
 * @packageDocumentation
 * Example participants (order, payment, inventory services), the place-order saga and the demo.
 */
export {};
