import {
  DefinitionRegistry,
  type HandleReplyOptions,
  type EventProcessMessage,
  type ReplyInput,
  SagaEngine,
} from '@sagaflow/core';
import {
  InMemoryEventStore,
  InMemoryScheduler,
  ManualClock,
  RecordingLogger,
  SequentialIdGenerator,
} from '@sagaflow/core/testing';
import { type ConsumedMessage } from '@sagaflow/kafka';
import {
  type CommandEnvelope,
  commandToEnvelope,
  createCommandEncoder,
  createTopicNames,
  decodeCommand,
  type Envelope,
  encodeEnvelope,
  failureReply,
  type ReplyEnvelope,
  replyToInput,
  successReply,
} from '@sagaflow/messaging';

import { paymentSaga } from './__fixtures__/payment-saga';
import { createReplyBatch } from './reply-batch';

const CONSUMER = 'orchestrator';
const AT = new Date('2030-01-01T00:00:00.000Z');

/** The command of a saga's step, as the orchestrator sent it. */
function command(
  sagaId: string,
  step: string,
  direction: 'forward' | 'compensation' = 'forward',
): CommandEnvelope {
  return commandToEnvelope(
    {
      messageId: `${sagaId}.${step}.${direction === 'forward' ? 'f' : 'c'}.1`,
      sagaId,
      sagaType: 'payment',
      sagaVersion: 1,
      step,
      direction,
      attempt: 1,
      participant: 'wallet',
      command: direction === 'forward' ? 'Reserve' : 'Release',
      payload: { wallet: 'w-1' },
    },
    { source: CONSUMER, occurredAt: AT },
  );
}

/** A success reply to the step's command. */
function success(sagaId: string, step = 'reserve'): ReplyEnvelope {
  return successReply(
    command(sagaId, step),
    { reservationId: 'r-1' },
    { source: 'wallet', occurredAt: AT },
  );
}

/** The message as the EventProcess consumer hands it to the sink, with its decoded envelope. */
function consumed(envelope: Envelope, offset: number): ConsumedMessage {
  return {
    consumer: CONSUMER,
    messageId: envelope.messageId,
    sagaId: envelope.sagaId,
    messageType: envelope.messageType,
    payload: encodeEnvelope(envelope),
    step: envelope.step,
    direction:
      envelope.kind === 'reply' ? null : envelope.kind === 'command' ? 'forward' : 'compensation',
    envelope,
    topic: 'sagaflow.replies',
    partition: 0,
    offset: String(offset),
  };
}

interface Entry {
  readonly reply: ReplyInput;
  readonly options?: HandleReplyOptions;
}

/**
 * The batch with fakes: `outcome` is what `handleReplies` answers (the indexes it leaves,
 * or an error it throws).
 */
function setup(outcome: readonly number[] | Error = []) {
  const batches: Entry[][] = [];
  const remembered: string[][] = [];
  const oneByOne: string[][] = [];
  const logger = new RecordingLogger();
  const apply = createReplyBatch({
    engine: {
      handleReplies: (replies) => {
        batches.push([...replies]);
        return outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve(outcome);
      },
    },
    processOneByOne: (messages: readonly EventProcessMessage[]) => {
      oneByOne.push(messages.map((m) => m.messageId));
      return Promise.resolve();
    },
    rememberDone: (records) => {
      remembered.push(records.map((r) => `${r.consumer}/${r.messageId}`));
      return Promise.resolve();
    },
    logger,
  });
  return { apply, batches, remembered, oneByOne, logger };
}

const done = (message: ConsumedMessage) => `${message.consumer}/${message.messageId}`;

describe('createReplyBatch', () => {
  it('applies the replies in one handleReplies call, each with its processed mark, and remembers them DONE', async () => {
    const { apply, batches, remembered, oneByOne } = setup([]);
    const compensationCommand = command('saga-2', 'reserve', 'compensation');
    const envelopes: ReplyEnvelope[] = [
      success('saga-1'),
      failureReply(
        command('saga-2', 'reserve'),
        { kind: 'business', code: 'NO_FUNDS', message: 'empty' },
        { source: 'wallet', occurredAt: AT },
      ),
      successReply(compensationCommand, {}, { source: 'wallet', occurredAt: AT }),
      success('saga-1', 'approve'),
    ];
    const messages = envelopes.map((e, i) => consumed(e, i));

    await apply(messages);

    expect(batches).toEqual([
      envelopes.map((envelope) => ({
        reply: replyToInput(envelope),
        options: { processed: { consumer: CONSUMER, messageId: envelope.messageId } },
      })),
    ]);
    // The compensation's reply keeps its direction.
    expect(batches[0]?.[2]?.reply).toMatchObject({ direction: 'compensation', sagaId: 'saga-2' });
    expect(remembered).toEqual([messages.map(done)]);
    expect(oneByOne).toEqual([]);
  });

  it('runs the replies the batch left one by one and remembers only the applied ones', async () => {
    const { apply, remembered, oneByOne } = setup([1, 2]);
    const messages = ['saga-1', 'saga-2', 'saga-3', 'saga-4'].map((s, i) =>
      consumed(success(s), i),
    );

    await apply(messages);

    expect(remembered).toEqual([[done(messages[0]!), done(messages[3]!)]]);
    expect(oneByOne).toEqual([[messages[1]!.messageId, messages[2]!.messageId]]);
  });

  it('runs every reply one by one when the batch left them all, remembering none', async () => {
    const { apply, remembered, oneByOne } = setup([0, 1]);
    const messages = ['saga-1', 'saga-2'].map((s, i) => consumed(success(s), i));

    await apply(messages);

    expect(remembered).toEqual([]);
    expect(oneByOne).toEqual([messages.map((m) => m.messageId)]);
  });

  it('hands what is not a reply to the one-by-one runs, after the replies left', async () => {
    const { apply, batches, remembered, oneByOne } = setup([0]);
    const stray = consumed(command('saga-9', 'reserve'), 0);
    const left = consumed(success('saga-1'), 1);
    const applied = consumed(success('saga-2'), 2);

    await apply([stray, left, applied]);

    // Indexes count the replies only.
    expect(batches.map((b) => b.map((e) => e.reply.replyId))).toEqual([
      [left.messageId, applied.messageId],
    ]);
    expect(remembered).toEqual([[done(applied)]]);
    expect(oneByOne).toEqual([[left.messageId, stray.messageId]]);
  });

  it('does not call handleReplies for a batch without replies', async () => {
    const { apply, batches, remembered, oneByOne } = setup([]);
    const strays = [
      consumed(command('saga-1', 'reserve'), 0),
      consumed(command('saga-2', 'reserve', 'compensation'), 1),
    ];

    await apply(strays);

    expect(batches).toEqual([]);
    expect(remembered).toEqual([]);
    expect(oneByOne).toEqual([strays.map((m) => m.messageId)]);
  });

  it('does nothing for an empty batch', async () => {
    const { apply, batches, remembered, oneByOne } = setup([]);
    await apply([]);
    expect([batches, remembered, oneByOne]).toEqual([[], [], []]);
  });

  it('runs every message one by one when handleReplies throws, and logs it', async () => {
    const { apply, remembered, oneByOne, logger } = setup(new Error('redis down'));
    const stray = consumed(command('saga-9', 'reserve'), 0);
    const replies = ['saga-1', 'saga-2'].map((s, i) => consumed(success(s), i + 1));

    await apply([replies[0]!, stray, replies[1]!]);

    expect(remembered).toEqual([]);
    expect(oneByOne).toEqual([[replies[0]!.messageId, replies[1]!.messageId, stray.messageId]]);
    expect(logger.lines).toEqual([
      {
        level: 'warn',
        message: 'applying the batch failed; applying the replies one by one',
        fields: {
          component: 'reply-batch',
          replies: 2,
          error: expect.objectContaining({ message: 'redis down' }) as object,
        },
      },
    ]);
  });

  it('rejects with what the one-by-one runs reject with (the batch is not committed)', async () => {
    const failure = new Error('the retries could not be queued');
    const apply = createReplyBatch({
      engine: { handleReplies: () => Promise.resolve([0]) },
      processOneByOne: () => Promise.reject(failure),
      rememberDone: () => Promise.resolve(),
      logger: new RecordingLogger(),
    });

    await expect(apply([consumed(success('saga-1'), 0)])).rejects.toBe(failure);
  });

  it('with the real engine: applies the replies of known sagas, leaves the reply to an unknown saga to the one-by-one runs', async () => {
    const clock = new ManualClock(AT);
    const store = new InMemoryEventStore({ clock });
    const engine = new SagaEngine({
      definitions: new DefinitionRegistry().register(paymentSaga),
      eventStore: store,
      scheduler: new InMemoryScheduler(),
      commandEncoder: createCommandEncoder({ topics: createTopicNames(), source: CONSUMER }),
      clock,
      ids: new SequentialIdGenerator({ prefix: 'saga' }),
    });
    for (const sagaId of ['saga-1', 'saga-2']) {
      await engine.start({ sagaType: 'payment', input: { wallet: 'w-1', amount: 5 }, sagaId });
    }
    const commands = store.outbox.records().map((record) => {
      const decoded = decodeCommand(record.value);
      if (!decoded.ok) throw decoded.error;
      return decoded.envelope;
    });
    const replies = [
      ...commands.map((c) =>
        successReply(c, { reservationId: 'r-1' }, { source: 'wallet', occurredAt: AT }),
      ),
      successReply(
        {
          ...commands[0]!,
          sagaId: 'saga-unknown',
          correlationId: 'saga-unknown',
          messageId: 'saga-unknown.reserve.f.1',
        },
        { reservationId: 'r-1' },
        { source: 'wallet', occurredAt: AT },
      ),
    ];
    const messages = replies.map((r, i) => consumed(r, i));
    await store.eventProcess.receive(messages);
    const remembered: string[] = [];
    const oneByOne: string[] = [];
    const apply = createReplyBatch({
      engine,
      processOneByOne: (left) => {
        oneByOne.push(...left.map((m) => m.sagaId));
        return Promise.resolve();
      },
      rememberDone: (records) => {
        remembered.push(...records.map((r) => r.messageId));
        return Promise.resolve();
      },
      logger: new RecordingLogger(),
    });

    await apply(messages);

    expect(oneByOne).toEqual(['saga-unknown']);
    expect(remembered).toEqual([replies[0]!.messageId, replies[1]!.messageId]);
    for (const sagaId of ['saga-1', 'saga-2']) {
      expect(store.state(sagaId)?.steps.reserve?.status).toBe('SUCCEEDED');
    }
    expect(store.eventProcess.records().map((r) => [r.sagaId, r.status])).toEqual([
      ['saga-1', 'DONE'],
      ['saga-2', 'DONE'],
      ['saga-unknown', 'RECEIVED'],
    ]);
  });
});
