/**
 * @packageDocumentation
 * Structured logging (winston), metrics and correlation ids.
 */
export {};
