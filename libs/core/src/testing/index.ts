/**
 * @packageDocumentation
 * Fakes, contract suites and spec helpers.
 */
export {};
