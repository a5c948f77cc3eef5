import { type Stack, type StackOptions, startStack } from '@sagaflow/stack';

import { openStackDatabases, type StackDatabases } from './stack-databases';

/** The stack of a test file and a connection to each of its databases. */
export interface StackFixture {
  readonly stack: Stack;
  readonly dbs: StackDatabases;
}

/** Longest start (or cleanup) of a stack: four processes booting on two cores, and Kafka. */
const HOOK_TIMEOUT_MS = 180_000;

/**
 * Starts a stack for the test file (`beforeAll`; `options` may be computed then), runs
 * `setup` (seeding), and stops it and
 * removes everything it created (`afterAll`, which runs even when a test or `setup` failed;
 * the stack also kills its processes if jest exits first). Read `stack` and `dbs` inside
 * tests only.
 *
 * @example
 * ```ts
 * const fixture = useStack({}, ({ stack }) => stack.seed({ customers, stock }));
 * it('…', async () => { await fixture.stack.api.startSaga(…); });
 * ```
 */
export function useStack(
  options: StackOptions | (() => Promise<StackOptions>),
  setup: (fixture: StackFixture) => Promise<void> = () => Promise.resolve(),
): StackFixture {
  let stack: Stack | null = null;
  let dbs: StackDatabases | null = null;
  beforeAll(async () => {
    stack = await startStack(typeof options === 'function' ? await options() : options);
    dbs = await openStackDatabases(stack);
    await setup({ stack, dbs });
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await dbs?.close();
    await stack?.cleanup();
  }, HOOK_TIMEOUT_MS);
  return {
    get stack(): Stack {
      if (stack === null) throw new Error('the stack is not started (read it inside a test)');
      return stack;
    },
    get dbs(): StackDatabases {
      if (dbs === null) throw new Error('the stack is not started (read it inside a test)');
      return dbs;
    },
  };
}
