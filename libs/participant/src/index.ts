/**
 * @packageDocumentation
 * The participant SDK services import.
 */
export {};
