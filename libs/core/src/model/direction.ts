/**
 * Which way a command goes: `forward` executes a step, `compensation` undoes one.
 */
export type Direction = 'forward' | 'compensation';
