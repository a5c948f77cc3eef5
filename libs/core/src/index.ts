/**
 * @packageDocumentation
 * Pure saga model: DSL, events, evolve/decide, ports, errors, in-memory adapters and the test kit.
 */
export {};
