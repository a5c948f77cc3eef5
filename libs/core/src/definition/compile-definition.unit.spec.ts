import { z } from 'zod';
import { DefinitionError } from '../errors/errors';
import { defineSaga } from './define-saga';
import { type RetryPolicy } from './retry-policy';
import { type CompensatableStepBuilder } from './step-builder';

const input = z.object({ id: z.string() });
const saga = (name = 'shop') => defineSaga(name, { version: 1, input });
type Step = CompensatableStepBuilder<{ id: string }>;
const undoable = <T>(s: CompensatableStepBuilder<T>) =>
  s.invoke('svc', 'Do', () => ({})).compensate('svc', 'Undo', () => ({}));
const lookup = <T>(s: CompensatableStepBuilder<T>) =>
  s.invoke('svc', 'Look', () => ({})).readOnly();

/** Asserts `build` throws a DefinitionError listing exactly `problems`. */
function expectProblems(build: () => unknown, sagaName: string, ...problems: string[]): void {
  let thrown: unknown = null;
  try {
    build();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(DefinitionError);
  expect((thrown as DefinitionError).message).toBe(
    `invalid saga definition '${sagaName}': ${problems.join('; ')}`,
  );
  expect((thrown as DefinitionError).context).toMatchObject({ sagaType: sagaName, problems });
}

describe('build() rejects a definition that breaks the rules', () => {
  it('rejects an empty saga', () => {
    expectProblems(() => saga().build(), 'shop', 'it has no steps');
  });

  it('rejects a name used twice, by steps, branches or groups', () => {
    expectProblems(
      () =>
        saga()
          .step('pay', undoable)
          .step('pay', undoable)
          .parallel('reserve', (g) => g.branch('pay', undoable).branch('reserve', undoable))
          .build(),
      'shop',
      "the name 'pay' is used twice (steps and parallel groups share names)",
      "the name 'pay' is used twice (steps and parallel groups share names)",
      "the name 'reserve' is used twice (steps and parallel groups share names)",
    );
  });

  it('names the first offending step in the error context', () => {
    const error = (() => {
      try {
        saga()
          .step('pay', (s) => s.invoke('svc', 'Pay', () => ({})))
          .build();
      } catch (caught) {
        return caught as DefinitionError;
      }
      return null;
    })();
    expect(error?.context).toEqual({
      sagaType: 'shop',
      step: 'pay',
      problems: ["compensatable step 'pay' needs .compensate(...) or .readOnly()"],
    });
  });

  it('rejects a compensatable step or a group after the pivot', () => {
    expectProblems(
      () =>
        saga()
          .pivot('commit', (s) => s.invoke('svc', 'Commit', () => ({})))
          .step('late', undoable)
          .parallel('both', (g) => g.branch('left', undoable).branch('right', undoable))
          .build(),
      'shop',
      "compensatable step 'late' comes after the pivot 'commit': only retriable steps may follow the pivot",
      "parallel group 'both' comes after the pivot 'commit': only retriable steps may follow the pivot",
    );
  });

  it('rejects a retriable step with no pivot before it, and what follows a retriable step', () => {
    expectProblems(
      () =>
        saga()
          .retriable('tell', (s) => s.invoke('svc', 'Tell', () => ({})).retry({}))
          .step('late', undoable)
          .pivot('commit', (s) => s.invoke('svc', 'Commit', () => ({})))
          .build(),
      'shop',
      "retriable step 'tell' has no pivot before it",
      "compensatable step 'late' comes after retriable step 'tell': only retriable steps may follow it",
      "pivot 'commit' comes after retriable step 'tell'",
    );
  });

  it('rejects a retriable step without a retry policy or with a finite maxAttempts', () => {
    expectProblems(
      () =>
        saga()
          .pivot('commit', (s) => s.invoke('svc', 'Commit', () => ({})))
          .retriable('tell', (s) => s.invoke('svc', 'Tell', () => ({})))
          .retriable('ship', (s) => s.invoke('svc', 'Ship', () => ({})).retry({ maxAttempts: 3 }))
          .build(),
      'shop',
      "retriable step 'tell' needs .retry(...): it is retried until it succeeds",
      "retriable step 'ship' is retried until it succeeds: retry.maxAttempts must be Infinity or omitted (got 3)",
    );
  });

  it('rejects a compensatable step with neither a compensation nor readOnly, or with both', () => {
    expectProblems(
      () =>
        saga()
          .step('pay', (s) => s.invoke('svc', 'Pay', () => ({})))
          .step('look', (s) => lookup(s).compensate('svc', 'Undo', () => ({})))
          .build(),
      'shop',
      "compensatable step 'pay' needs .compensate(...) or .readOnly()",
      "step 'look' is read-only and cannot have a compensation",
    );
  });

  it('rejects two pivots, and a pivot or retriable step given a compensation from JavaScript', () => {
    const loose = (s: unknown) => undoable(s as Step);
    expectProblems(
      () =>
        saga()
          .pivot('commit', loose as never)
          .pivot('again', (s) => s.invoke('svc', 'Again', () => ({})))
          .retriable('tell', (s) => (loose(s) as unknown as typeof s).retry({}))
          .build(),
      'shop',
      "step 'again' is a second pivot: the pivot is 'commit'",
      "pivot 'commit' cannot have a compensation: it is never compensated",
      "retriable step 'tell' cannot have a compensation: it is never compensated",
    );
  });

  it('rejects bad saga, step, group, participant and command names', () => {
    expectProblems(
      () =>
        defineSaga('Shop_1', { version: 1, input })
          .step('Pay', (s) =>
            s
              .invoke('Payment_Service', 'reserve credit', () => ({}))
              .compensate('-svc', '9Undo', () => ({})),
          )
          .parallel('both sides', (g) => g.branch('left', lookup).branch('right', lookup))
          .build(),
      'Shop_1',
      'saga name "Shop_1" must match /^[a-z][a-z0-9-]{0,62}$/',
      'step name "Pay" must match /^[a-z][a-z0-9-]{0,62}$/',
      `step 'Pay': participant "Payment_Service" must match /^[a-z][a-z0-9-]{0,62}$/`,
      `step 'Pay': command "reserve credit" must match /^[A-Za-z][A-Za-z0-9]{0,62}$/`,
      `step 'Pay': compensation participant "-svc" must match /^[a-z][a-z0-9-]{0,62}$/`,
      `step 'Pay': compensation command "9Undo" must match /^[A-Za-z][A-Za-z0-9]{0,62}$/`,
      'parallel group name "both sides" must match /^[a-z][a-z0-9-]{0,62}$/',
    );
  });

  it('rejects a name that is not a string, from JavaScript', () => {
    expectProblems(
      () =>
        defineSaga(42 as unknown as string, { version: 1, input })
          .step('a', lookup)
          .build(),
      '42',
      'saga name 42 must match /^[a-z][a-z0-9-]{0,62}$/',
    );
  });

  it('rejects invalid retry policies, naming the field and the bad value', () => {
    const retried = (policy: unknown) =>
      saga()
        .step('pay', (s) => undoable(s).retry(policy as RetryPolicy))
        .build();
    expectProblems(
      () =>
        retried({
          maxAttempts: 0,
          initialDelayMs: -1,
          multiplier: 0.5,
          maxDelayMs: 1.5,
          jitter: 2,
        }),
      'shop',
      "step 'pay': retry.maxAttempts must be a positive integer or Infinity (got 0)",
      "step 'pay': retry.initialDelayMs must be a positive integer (got -1)",
      "step 'pay': retry.multiplier must be a finite number >= 1 (got 0.5)",
      "step 'pay': retry.maxDelayMs must be a positive integer (got 1.5)",
      "step 'pay': retry.jitter must be between 0 and 1 (got 2)",
    );
    expectProblems(
      () => retried({ maxAttempt: 3, jitter: 'high', multiplier: Number.NaN }),
      'shop',
      "step 'pay': retry has an unknown option 'maxAttempt'",
      'step \'pay\': retry.jitter must be a number (got "high")',
      "step 'pay': retry.multiplier must be a finite number >= 1 (got NaN)",
    );
    expectProblems(() => retried(null), 'shop', "step 'pay': retry must be an object (got null)");
    expectProblems(() => retried([]), 'shop', "step 'pay': retry must be an object (got [])");
  });

  it('rejects invalid timeouts', () => {
    for (const [ms, shown] of [
      [0, '0'],
      [-5, '-5'],
      [1.5, '1.5'],
      [Infinity, 'Infinity'],
    ] as const) {
      expectProblems(
        () =>
          saga()
            .step('pay', (s) => undoable(s).timeout(ms))
            .build(),
        'shop',
        `step 'pay': timeout must be a positive integer number of milliseconds (got ${shown})`,
      );
    }
  });

  it('rejects timeouts and retry delays over 365 days: a deadline must stay a date', () => {
    const year = 365 * 24 * 60 * 60 * 1000;
    const tooLong = year + 1;
    expect(
      saga()
        .step('pay', (s) => undoable(s).timeout(year))
        .build()
        .steps.get('pay')?.timeoutMs,
    ).toBe(year);
    expectProblems(
      () =>
        saga()
          .step('pay', (s) =>
            s
              .invoke('svc', 'Pay', () => ({}))
              .compensate('svc', 'Refund', () => ({}), { timeoutMs: tooLong })
              .retry({ maxDelayMs: Number.MAX_SAFE_INTEGER })
              .timeout(tooLong),
          )
          .build(),
      'shop',
      `step 'pay': timeout must be at most ${year} ms (365 days) (got ${tooLong})`,
      `step 'pay': retry.maxDelayMs must be at most ${year} ms (365 days) (got ${Number.MAX_SAFE_INTEGER})`,
      `step 'pay': compensation timeoutMs must be at most ${year} ms (365 days) (got ${tooLong})`,
    );
    expectProblems(
      () =>
        defineSaga('shop', { version: 1, input, defaults: { stepTimeoutMs: tooLong } })
          .step('a', lookup)
          .build(),
      'shop',
      `defaults.stepTimeoutMs must be at most ${year} ms (365 days) (got ${tooLong})`,
    );
  });

  it('rejects invalid saga defaults: there is no step without a timeout', () => {
    const withDefaults = (defaults: unknown) =>
      defineSaga('shop', { version: 1, input, defaults: defaults as never })
        .step('a', lookup)
        .build();
    for (const [ms, shown] of [
      [0, '0'],
      [1.5, '1.5'],
      [Infinity, 'Infinity'],
      [null, 'null'],
    ] as const) {
      expectProblems(
        () => withDefaults({ stepTimeoutMs: ms }),
        'shop',
        `defaults.stepTimeoutMs must be a positive integer number of milliseconds (got ${shown})`,
      );
    }
    expectProblems(
      () => withDefaults({ timeoutMs: 5_000 }),
      'shop',
      "defaults have an unknown field 'timeoutMs'",
    );
    expectProblems(() => withDefaults(5_000), 'shop', 'defaults must be an object (got 5000)');
  });

  it('rejects invalid compensation options', () => {
    const compensated = (options: unknown) =>
      saga()
        .step('pay', (s) =>
          s
            .invoke('svc', 'Pay', () => ({}))
            .compensate('svc', 'Refund', () => ({}), options as never),
        )
        .build();
    expectProblems(
      () => compensated({ timeoutMs: -1, retry: { jitter: -0.1 }, deadline: 5 }),
      'shop',
      "step 'pay': compensation options have an unknown field 'deadline'",
      "step 'pay': compensation retry.jitter must be between 0 and 1 (got -0.1)",
      "step 'pay': compensation timeoutMs must be a positive integer (got -1)",
    );
    expectProblems(
      () => compensated('fast'),
      'shop',
      `step 'pay': compensation options must be an object (got "fast")`,
    );
  });

  it('rejects invalid saga options', () => {
    expectProblems(
      () =>
        defineSaga('shop', { version: 1.5, input, color: 'red' } as never)
          .step('a', lookup)
          .build(),
      'shop',
      "the options have an unknown field 'color'",
      'version must be a positive integer (got 1.5)',
    );
    expectProblems(
      () =>
        defineSaga('shop', { version: 0, input: { parse: 1 }, description: 7 } as never)
          .step('a', lookup)
          .build(),
      'shop',
      'version must be a positive integer (got 0)',
      'input must be a zod schema (got {"parse":1})',
      'description must be a string (got 7)',
    );
    expectProblems(
      () =>
        defineSaga('shop', null as never)
          .step('a', lookup)
          .build(),
      'shop',
      'the options must be an object (got null)',
    );
  });

  it('rejects misuse of the builder: repeated calls, a missing invoke, wrong callbacks', () => {
    expectProblems(
      () =>
        saga()
          .step('pay', (s) =>
            undoable(s)
              .invoke('svc', 'Again', () => ({}))
              .timeout(5)
              .timeout(6),
          )
          .step('look', (s) => s.readOnly())
          .step('odd', () => ({}) as never)
          .step('none', 'not a function' as never)
          .parallel('group', () => ({}) as never)
          .parallel('other', 'not a function' as never)
          .build(),
      'shop',
      "step 'pay' calls .invoke(...) twice",
      "step 'pay' calls .timeout(...) twice",
      "step 'look' has no .invoke(...)",
      "step 'odd': the configure callback must return the step builder it was given",
      "step 'odd' has no .invoke(...)",
      "compensatable step 'odd' needs .compensate(...) or .readOnly()",
      `step 'none': the configure callback must be a function (got "not a function")`,
      "step 'none' has no .invoke(...)",
      "compensatable step 'none' needs .compensate(...) or .readOnly()",
      "parallel group 'group': the configure callback must return the group builder it was given",
      "parallel group 'group' needs at least 2 branches (has 0)",
      "parallel group 'other': the configure callback must return the group builder it was given",
      "parallel group 'other' needs at least 2 branches (has 0)",
    );
  });

  it('rejects a branch that is not compensatable', () => {
    expectProblems(
      () =>
        saga()
          .parallel('both', (g) =>
            g.branch('left', (s) => s.invoke('svc', 'Left', () => ({}))).branch('right', lookup),
          )
          .build(),
      'shop',
      "compensatable step 'left' needs .compensate(...) or .readOnly()",
    );
  });

  it('rejects a group with one branch, and non-function payload builders and reply maps', () => {
    expectProblems(
      () =>
        saga()
          .parallel('solo', (g) => g.branch('only', lookup))
          .step('pay', (s) =>
            s
              .invoke('svc', 'Pay', 'payload' as never)
              .compensate('svc', 'Refund', 3 as never)
              .onReply({} as never, 'map' as never),
          )
          .build(),
      'shop',
      "parallel group 'solo' needs at least 2 branches (has 1)",
      `step 'pay': payload builder must be a function (got "payload")`,
      "step 'pay': the onReply schema must be a zod schema (got {})",
      `step 'pay': the onReply map must be a function (got "map")`,
      "step 'pay': compensation payload builder must be a function (got 3)",
    );
  });
});
