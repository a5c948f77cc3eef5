import { type DeadLetter, type SagaSummary, type SagaView } from './api-types';
import {
  formatAge,
  formatColumns,
  renderDeadLetter,
  renderDeadLetterPage,
  renderSagaPage,
  renderSagaView,
  terminalStyle,
} from './render';

const now = new Date('2024-05-01T12:00:00.000Z');
const plain = terminalStyle(false, {});

const summary: SagaSummary = {
  sagaId: 's-1',
  sagaType: 'place-order',
  sagaVersion: 1,
  businessKey: 'o-1',
  status: 'COMPENSATION_FAILED',
  activeSteps: [],
  failureCode: 'OUT_OF_STOCK',
  version: 14,
  startedAt: '2024-05-01T11:50:00.000Z',
  updatedAt: '2024-05-01T11:57:30.000Z',
  endedAt: null,
};

describe('terminalStyle', () => {
  it('colours on a terminal unless NO_COLOR is set and not empty', () => {
    expect(terminalStyle(true, {}).colour).toBe(true);
    expect(terminalStyle(true, { NO_COLOR: '' }).colour).toBe(true);
    expect(terminalStyle(true, { NO_COLOR: '1' }).colour).toBe(false);
    expect(terminalStyle(false, {}).colour).toBe(false);
    expect(terminalStyle(true, {}).paint('RUNNING', 'cyan')).toBe('\u001b[36mRUNNING\u001b[39m');
    expect(plain.paint('RUNNING', 'cyan')).toBe('RUNNING');
  });
});

describe('formatAge', () => {
  it.each([
    ['2024-05-01T11:59:15.000Z', '45s'],
    ['2024-05-01T11:47:55.000Z', '12m 5s'],
    ['2024-05-01T11:48:00.000Z', '12m'],
    ['2024-05-01T08:48:00.000Z', '3h 12m'],
    ['2024-04-29T08:00:00.000Z', '2d 4h'],
    ['2024-05-01T12:00:00.000Z', '0s'],
    ['2024-05-01T12:00:05.000Z', '0s'],
  ])('%s is %s before now', (iso, age) => {
    expect(formatAge(iso, now)).toBe(age);
  });
});

describe('formatColumns', () => {
  it('pads every column but the last, and paints after padding', () => {
    const style = terminalStyle(true, {});
    expect(
      formatColumns(
        ['id', 'status', 'note'],
        [
          ['s-1', { text: 'RUNNING', colour: 'cyan' }, ''],
          ['s-22', { text: 'COMPLETED', colour: 'green' }, 'done'],
        ],
        style,
      ),
    ).toEqual([
      'ID    STATUS     NOTE',
      's-1   \u001b[36mRUNNING  \u001b[39m',
      's-22  \u001b[32mCOMPLETED\u001b[39m  done',
    ]);
  });
});

describe('renderSagaPage', () => {
  it('one row per saga: id, type, status, active steps, started, updated age', () => {
    const running: SagaSummary = {
      ...summary,
      sagaId: 's-2',
      status: 'RUNNING',
      activeSteps: ['reserve-credit', 'reserve-stock'],
      updatedAt: '2024-05-01T11:59:58.123Z',
    };
    expect(renderSagaPage({ items: [summary, running], nextCursor: null }, now, plain)).toEqual([
      'ID   TYPE            STATUS               ACTIVE STEPS                  STARTED               UPDATED',
      's-1  place-order v1  COMPENSATION_FAILED  -                             2024-05-01T11:50:00Z  2m 30s ago',
      's-2  place-order v1  RUNNING              reserve-credit,reserve-stock  2024-05-01T11:50:00Z  1s ago',
    ]);
    expect(renderSagaPage({ items: [], nextCursor: null }, now, plain)).toEqual([
      'no saga matches',
    ]);
  });
});

describe('renderSagaView', () => {
  it('the header fields, then a line per step with its last failure', () => {
    const saga: SagaView = {
      ...summary,
      failure: { step: 'reserve-stock', code: 'OUT_OF_STOCK', message: '0 left' },
      steps: [
        {
          name: 'create-order',
          kind: 'compensatable',
          group: null,
          participant: 'order-service',
          command: 'CreateOrder',
          status: 'SUCCEEDED',
          attempt: 1,
          compensationAttempt: 0,
          mayHaveApplied: true,
          lastFailure: null,
        },
        {
          name: 'reserve-credit',
          kind: 'compensatable',
          group: null,
          participant: 'payment-service',
          command: 'ReserveCredit',
          status: 'COMPENSATION_FAILED',
          attempt: 1,
          compensationAttempt: 5,
          mayHaveApplied: true,
          lastFailure: { kind: 'technical', code: 'HANDLER_FAILED', message: 'credit frozen' },
        },
      ],
    };
    expect(renderSagaView(saga, now, plain)).toEqual([
      'saga          s-1',
      'type          place-order v1',
      'business key  o-1',
      'status        COMPENSATION_FAILED (version 14)',
      'failure       reserve-stock OUT_OF_STOCK: 0 left',
      'active steps  -',
      'started       2024-05-01T11:50:00.000Z (10m ago)',
      'updated       2024-05-01T11:57:30.000Z (2m 30s ago)',
      'ended         -',
      '',
      'STEP            KIND           STATUS               ATTEMPTS  COMPENSATIONS  LAST FAILURE',
      'create-order    compensatable  SUCCEEDED            1         0',
      'reserve-credit  compensatable  COMPENSATION_FAILED  1         5              technical HANDLER_FAILED: credit frozen',
    ]);
  });
});

describe('dead letters', () => {
  const letter: DeadLetter = {
    id: '17',
    consumer: 'payment-service',
    sourceTopic: 'sagaflow.payment-service.commands',
    partition: 2,
    offset: '41',
    key: 's-1',
    value: '{"type":"ReserveCredit"}',
    valueTruncated: false,
    headers: { 'sagaflow-message-id': 'm-1' },
    reason: { code: 'DECODE_FAILED', message: 'payload.amount: expected number' },
    messageId: 'm-1',
    sagaId: 's-1',
    failedAt: '2024-05-01T11:00:00.000Z',
    replayedAt: null,
    replayedBy: null,
  };

  it('a table row per dead letter, replayed ones with who and when', () => {
    const replayed = {
      ...letter,
      id: '16',
      replayedAt: '2024-05-01T11:30:00.000Z',
      replayedBy: 'ops',
    };
    expect(renderDeadLetterPage({ items: [letter, replayed], nextBeforeId: null }, plain)).toEqual([
      'ID  FAILED                TOPIC                              REASON         SAGA  REPLAYED',
      '17  2024-05-01T11:00:00Z  sagaflow.payment-service.commands  DECODE_FAILED  s-1   no',
      '16  2024-05-01T11:00:00Z  sagaflow.payment-service.commands  DECODE_FAILED  s-1   2024-05-01T11:30:00Z by ops',
    ]);
  });

  it('one dead letter with its headers and its value indented as JSON', () => {
    expect(renderDeadLetter(letter, plain)).toEqual([
      'dead letter  17',
      'consumer     payment-service',
      'source       sagaflow.payment-service.commands partition 2 offset 41',
      'key          s-1',
      'message id   m-1',
      'saga         s-1',
      'failed       2024-05-01T11:00:00.000Z',
      'reason       DECODE_FAILED: payload.amount: expected number',
      'replayed     no',
      '',
      'headers:',
      '  sagaflow-message-id: m-1',
      '',
      'value:',
      '{\n  "type": "ReserveCredit"\n}',
    ]);
  });
});
