import {
  ConcurrencyError,
  ConflictError,
  DeadLetterNotFoundError,
  IllegalSagaActionError,
  InvalidArgumentError,
  NotFoundError,
  type SagaflowError,
  SagaNotFoundError,
  TimerSchedulingError,
  TransientError,
} from './errors';

describe('InvalidArgumentError', () => {
  it('names the field, shows the value and the rule; terminal, with a stable code', () => {
    const error = new InvalidArgumentError('maxConflictRetries', -1, 'must be >= 0');
    expect(error.message).toBe('invalid maxConflictRetries: -1 (must be >= 0)');
    expect(error).toMatchObject({
      code: 'ARGUMENT_INVALID',
      retryable: false,
      field: 'maxConflictRetries',
      value: -1,
      issues: [{ field: 'maxConflictRetries', value: '-1', expected: 'must be >= 0' }],
      name: 'InvalidArgumentError',
    });
  });

  it('shows the value readably', () => {
    expect(new InvalidArgumentError('f', { a: [1, null] }, 'rule').message).toBe(
      'invalid f: {"a":[1,null]} (rule)',
    );
    expect(new InvalidArgumentError('token', 'abc', 'rule').message).toBe(
      'invalid token: [REDACTED] (rule)',
    );
  });

  it("names a component's bad options in one line", () => {
    const error = new InvalidArgumentError({
      code: 'OPTIONS_INVALID',
      component: 'createKafka',
      issues: [
        { field: 'brokers', value: '[]', expected: 'a non-empty list' },
        { field: 'clientId', value: '""', expected: 'a non-empty string' },
      ],
    });
    expect(error).toMatchObject({ code: 'OPTIONS_INVALID', component: 'createKafka' });
    expect(error.field).toBe('brokers');
    expect(error.message).toBe(
      'createKafka: invalid options: brokers=[] (expected a non-empty list); clientId="" (expected a non-empty string)',
    );
  });

  it('names bad environment variables one per line', () => {
    const error = new InvalidArgumentError({
      code: 'CONFIG_INVALID',
      issues: [{ field: 'APP_PORT', value: '"http"', expected: 'an integer from 1 to 65535' }],
    });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.component).toBeUndefined();
    expect(error.message).toBe(
      'invalid configuration (1 variable):\n  APP_PORT="http": expected an integer from 1 to 65535',
    );
  });
});

describe('error families', () => {
  it('carry the code they are given and their retry meaning', () => {
    const cases: [SagaflowError, string, boolean][] = [
      [new NotFoundError('ROUTE_NOT_FOUND', 'no route'), 'ROUTE_NOT_FOUND', false],
      [new ConflictError('ORCHESTRATOR_STOPPED', 'stopped'), 'ORCHESTRATOR_STOPPED', false],
      [new TransientError('JOB_QUEUE_FAILED', 'down'), 'JOB_QUEUE_FAILED', true],
    ];
    for (const [error, code, retryable] of cases) {
      expect(error).toMatchObject({ code, retryable });
    }
  });

  it('group the specific errors by what a caller does with them', () => {
    expect(new SagaNotFoundError('s-1')).toBeInstanceOf(NotFoundError);
    expect(new DeadLetterNotFoundError('7')).toMatchObject({
      name: 'DeadLetterNotFoundError',
      code: 'DEAD_LETTER_NOT_FOUND',
      message: "dead letter '7' does not exist",
      context: { deadLetterId: '7' },
    });
    expect(new IllegalSagaActionError('no')).toBeInstanceOf(ConflictError);
    expect(new ConcurrencyError('s-1', 2)).toBeInstanceOf(TransientError);
    expect(new TimerSchedulingError('s-1')).toMatchObject({
      name: 'TimerSchedulingError',
      code: 'TIMER_SCHEDULING_FAILED',
      retryable: true,
      context: { sagaId: 's-1' },
    });
  });
});
