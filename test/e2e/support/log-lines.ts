import { readFileSync } from 'node:fs';

import { type Stack, type StackProcessName } from '@sagaflow/stack';

/** The fields of every line a stack process logged with this `message`, oldest first. */
export function logLines(
  stack: Stack,
  process: StackProcessName,
  message: string,
): Record<string, unknown>[] {
  const needle = `"message":${JSON.stringify(message)}`;
  return readFileSync(stack.logFile(process), 'utf8')
    .split('\n')
    .filter((line) => line.includes(needle))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
