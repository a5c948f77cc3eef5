import { describeValue } from '../errors/describe';

/** Saga, step, group and participant names: lower-case kebab-case, 1–63 characters. */
export const NAME_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

/** Command names: alphanumeric, starting with a letter, 1–63 characters (`ReserveCredit`). */
export const COMMAND_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9]{0,62}$/;

/** A problem with a kebab-case name, or null when `value` is a valid one. */
export function nameProblem(label: string, value: unknown): string | null {
  return typeof value === 'string' && NAME_PATTERN.test(value)
    ? null
    : `${label} ${describeValue(value)} must match ${String(NAME_PATTERN)}`;
}

/** A problem with a command name, or null when `value` is a valid one. */
export function commandNameProblem(label: string, value: unknown): string | null {
  return typeof value === 'string' && COMMAND_NAME_PATTERN.test(value)
    ? null
    : `${label} ${describeValue(value)} must match ${String(COMMAND_NAME_PATTERN)}`;
}
