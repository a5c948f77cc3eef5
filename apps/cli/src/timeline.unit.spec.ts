import { type SagaEvent, type SagaEventEntry } from './api-types';
import { terminalStyle } from './render';
import { eventFacts, renderTimeline, timelineLine } from './timeline';

const at = '2024-05-01T10:00:00.000Z';
const handlerFailed = { kind: 'technical', code: 'HANDLER_FAILED', message: 'credit frozen' };

describe('eventFacts', () => {
  it.each<[string, SagaEvent, string]>([
    [
      'SagaStarted',
      {
        type: 'SagaStarted',
        v: 1,
        at,
        sagaId: 's-1',
        sagaType: 'place-order',
        sagaVersion: 1,
        businessKey: 'o-1',
        input: {},
      },
      'place-order v1, business key o-1',
    ],
    [
      'CommandDispatched',
      {
        type: 'CommandDispatched',
        v: 1,
        at,
        step: 'reserve-credit',
        direction: 'compensation',
        attempt: 2,
        messageId: 'm-1',
        participant: 'payment-service',
        command: 'ReleaseCredit',
        payload: {},
        timeoutAt: null,
      },
      'reserve-credit compensation attempt 2 → payment-service ReleaseCredit',
    ],
    [
      'StepSucceeded',
      {
        type: 'StepSucceeded',
        v: 1,
        at,
        step: 'create-order',
        attempt: 1,
        replyId: 'r',
        patch: {},
      },
      'create-order attempt 1',
    ],
    [
      'AttemptFailed',
      {
        type: 'AttemptFailed',
        v: 1,
        at,
        step: 'reserve-credit',
        direction: 'compensation',
        attempt: 3,
        replyId: 'r-3',
        failure: handlerFailed,
      },
      'reserve-credit compensation attempt 3: technical HANDLER_FAILED: credit frozen',
    ],
    [
      'RetryScheduled',
      {
        type: 'RetryScheduled',
        v: 1,
        at,
        step: 'reserve-credit',
        direction: 'compensation',
        nextAttempt: 4,
        timerId: 't',
        dueAt: '2024-05-01T10:00:02.000Z',
      },
      'reserve-credit compensation attempt 4 due 2024-05-01T10:00:02.000Z',
    ],
    [
      'StepFailed',
      {
        type: 'StepFailed',
        v: 1,
        at,
        step: 'reserve-stock',
        failure: { kind: 'business', code: 'OUT_OF_STOCK', message: '0 left' },
      },
      'reserve-stock: business OUT_OF_STOCK: 0 left',
    ],
    [
      'CompensationStarted after a failure',
      {
        type: 'CompensationStarted',
        v: 1,
        at,
        cause: {
          kind: 'step-failed',
          step: 'reserve-stock',
          failure: { kind: 'business', code: 'OUT_OF_STOCK', message: '0 left' },
        },
        toCompensate: ['reserve-credit', 'create-order'],
        awaiting: [],
      },
      'reserve-stock failed (OUT_OF_STOCK), to compensate: reserve-credit, create-order',
    ],
    [
      'CompensationStarted by an abort',
      {
        type: 'CompensationStarted',
        v: 1,
        at,
        cause: { kind: 'aborted', actor: 'ops', reason: 'customer cancelled' },
        toCompensate: [],
        awaiting: ['reserve-stock'],
      },
      'aborted by ops: "customer cancelled", to compensate: none, awaiting: reserve-stock',
    ],
    [
      'StepCompensated',
      { type: 'StepCompensated', v: 1, at, step: 'reserve-credit', attempt: 6, replyId: 'r-6' },
      'reserve-credit attempt 6',
    ],
    [
      'StepCompensated by hand',
      { type: 'StepCompensated', v: 1, at, step: 'reserve-credit', attempt: 5, replyId: null },
      'reserve-credit attempt 5, resolved by hand',
    ],
    [
      'CompensationFailed',
      {
        type: 'CompensationFailed',
        v: 1,
        at,
        step: 'reserve-credit',
        failure: handlerFailed,
      },
      'reserve-credit: technical HANDLER_FAILED: credit frozen',
    ],
    [
      'OperatorActionRecorded',
      {
        type: 'OperatorActionRecorded',
        v: 1,
        at,
        action: 'retry-compensation',
        step: null,
        actor: 'ops',
        reason: 'credit hold lifted',
      },
      'retry-compensation by ops: "credit hold lifted"',
    ],
    [
      'OperatorActionRecorded on a step',
      {
        type: 'OperatorActionRecorded',
        v: 1,
        at,
        action: 'retry-step',
        step: 'reserve-stock',
        actor: 'ops',
        reason: 'restocked',
      },
      'retry-step of reserve-stock by ops: "restocked"',
    ],
    [
      'MessageRedelivered',
      {
        type: 'MessageRedelivered',
        v: 1,
        at,
        kind: 'dead-letter-replay',
        consumer: 'payment-service',
        messageId: 'm-9',
        deadLetterId: '17',
        actor: 'ops',
        reason: 'schema fixed',
      },
      'dead-letter-replay of message m-9 of payment-service, dead letter 17, by ops: "schema fixed"',
    ],
    [
      'InputIgnored',
      {
        type: 'InputIgnored',
        v: 1,
        at,
        input: 'reply',
        inputId: 'r-2',
        step: 'reserve-credit',
        attempt: 1,
        reason: 'duplicate',
      },
      'reply r-2, step reserve-credit, attempt 1, ignored: duplicate',
    ],
    ['SagaCompensated', { type: 'SagaCompensated', v: 1, at }, ''],
  ])('%s', (_name, event, facts) => {
    expect(eventFacts(event)).toBe(facts);
  });

  it("shows an unknown event type's plain fields, and a missing field as ?", () => {
    expect(
      eventFacts({ type: 'SagaPaused', v: 1, at, step: 'x', until: 5, nested: { a: 1 } }),
    ).toBe('step=x until=5');
    expect(eventFacts({ type: 'StepSucceeded', v: 1, at })).toBe('? attempt ?');
  });
});

describe('timelineLine and renderTimeline', () => {
  const entry = (seq: number, event: SagaEvent): SagaEventEntry => ({
    seq,
    type: event.type,
    event,
    recordedAt: `2024-05-01T10:00:0${seq}.000Z`,
  });
  const failed = entry(3, {
    type: 'CompensationFailed',
    v: 1,
    at,
    step: 'reserve-credit',
    failure: handlerFailed,
  });

  it('lines up seq, time, type and facts in fixed columns, labels in plain text', () => {
    const plain = terminalStyle(false, {});
    expect(
      renderTimeline([failed, entry(4, { type: 'SagaCompensated', v: 1, at })], plain),
    ).toEqual([
      ' SEQ  TIME                      EVENT                   FACTS',
      '   3  2024-05-01T10:00:03.000Z  CompensationFailed      reserve-credit: technical HANDLER_FAILED: credit frozen',
      '   4  2024-05-01T10:00:04.000Z  SagaCompensated',
    ]);
  });

  it('colours the event type on a terminal, and only there', () => {
    const coloured = timelineLine(failed, terminalStyle(true, {}));
    expect(coloured).toContain(
      `\u001b[31m${'CompensationFailed'.padEnd(22)}\u001b[39m  reserve-credit`,
    );
    expect(timelineLine(failed, terminalStyle(true, { NO_COLOR: '1' }))).not.toContain('\u001b[');
    expect(timelineLine(failed, terminalStyle(false, {}))).not.toContain('\u001b[');
  });
});
