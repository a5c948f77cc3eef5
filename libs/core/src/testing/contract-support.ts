import { checkId, checkInteger } from '../errors/validation';

/** Options every contract suite accepts. */
export interface ContractSuiteOptions {
  /**
   * Put in every id the suite creates (saga ids, business keys, message ids, consumers,
   * timer ids). Pass a value unique to the run (e.g. with a random suffix) when the
   * implementation shares its database or Redis with other runs; `[A-Za-z0-9._-]` only.
   * @defaultValue `'contract'`
   */
  readonly runId?: string;
  /**
   * Jest timeout of each test, in milliseconds.
   * @defaultValue `5000`
   */
  readonly testTimeoutMs?: number;
}

/** What every contract fixture may have: a way to release what `setup` acquired. */
export interface ContractFixture {
  /** Called after each test, even a failed one: close connections, drop test data. */
  teardown?(): Promise<void>;
}

/** Makes the ids of one test: `<runId>-<suite>-<test number>-<label>`. */
export type ContractIds = (label: string) => string;

/**
 * Declares a test that gets a fresh fixture from `setup` and unique ids, and always tears
 * the fixture down.
 */
export function contractTest<F extends ContractFixture>(
  suite: string,
  setup: () => Promise<F>,
  options: ContractSuiteOptions,
): (title: string, body: (fixture: F, ids: ContractIds) => Promise<void>) => void {
  const runId = checkId('runId', options.runId ?? 'contract');
  const timeout = checkInteger('testTimeoutMs', options.testTimeoutMs ?? 5000, 1);
  let testNumber = 0;
  return (title, body) => {
    it(
      title,
      async () => {
        testNumber += 1;
        const prefix = `${runId}-${suite}-${testNumber}`;
        const fixture = await setup();
        try {
          await body(fixture, (label) => `${prefix}-${label}`);
        } finally {
          await fixture.teardown?.();
        }
      },
      timeout,
    );
  };
}
