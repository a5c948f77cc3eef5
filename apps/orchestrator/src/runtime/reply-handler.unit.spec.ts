import {
  DefinitionRegistry,
  type InboxRecord,
  SagaEngine,
  SagaNotFoundError,
} from '@sagaflow/core';
import {
  InMemoryEventStore,
  InMemoryScheduler,
  ManualClock,
  SequentialIdGenerator,
} from '@sagaflow/core/testing';
import {
  createCommandEncoder,
  createTopicNames,
  decodeCommand,
  encodeEnvelope,
  MessageDecodeError,
  successReply,
} from '@sagaflow/messaging';

import { paymentSaga } from './__fixtures__/payment-saga';
import { createReplyHandler } from './reply-handler';

const CONSUMER = 'orchestrator';

function setUp() {
  const clock = new ManualClock('2030-01-01T00:00:00.000Z');
  const store = new InMemoryEventStore({ clock });
  const engine = new SagaEngine({
    definitions: new DefinitionRegistry().register(paymentSaga),
    eventStore: store,
    scheduler: new InMemoryScheduler(),
    commandEncoder: createCommandEncoder({ topics: createTopicNames(), source: CONSUMER }),
    clock,
    ids: new SequentialIdGenerator({ prefix: 'saga' }),
  });
  return { clock, store, engine, handle: createReplyHandler(engine) };
}

/** The EventProcess record of a message, as the worker pool hands it over after its claim. */
async function received(
  store: InMemoryEventStore,
  messageId: string,
  sagaId: string,
  payload: string,
): Promise<InboxRecord> {
  await store.inbox.receive([
    { consumer: CONSUMER, messageId, sagaId, messageType: 'Reserve', payload },
  ]);
  const record = await store.inbox.claim(CONSUMER, messageId, new Date(0));
  if (record === null) throw new Error('the record could not be claimed');
  return record;
}

describe('createReplyHandler', () => {
  it('applies the stored reply and marks its record DONE in the same append', async () => {
    const { store, engine, handle, clock } = setUp();
    const { sagaId } = await engine.start({
      sagaType: 'payment',
      input: { wallet: 'w-1', amount: 5 },
    });
    const [command] = store.outbox.records();
    const decoded = decodeCommand(command?.value ?? '');
    if (!decoded.ok) throw decoded.error;
    const reply = successReply(
      decoded.envelope,
      { reservationId: 'r-1' },
      { source: 'wallet', occurredAt: clock.now() },
    );
    const record = await received(store, reply.messageId, sagaId, encodeEnvelope(reply));

    await handle(record);

    const state = await engine.getState(sagaId);
    expect(state?.steps.reserve?.status).toBe('SUCCEEDED');
    expect(state?.data).toMatchObject({ reservationId: 'r-1' });
    expect((await store.inbox.get(CONSUMER, reply.messageId))?.status).toBe('DONE');
  });

  it('fails for good on a payload that no longer decodes', async () => {
    const { store, handle } = setUp();
    const record = await received(store, 'm-1', 'saga-1', '{"not":"a reply"}');

    const outcome = handle(record);

    await expect(outcome).rejects.toBeInstanceOf(MessageDecodeError);
    await expect(outcome).rejects.toMatchObject({ retryable: false });
  });

  it('fails for good on a reply to a saga that does not exist', async () => {
    const { store, engine, handle, clock } = setUp();
    await engine.start({ sagaType: 'payment', input: { wallet: 'w-1', amount: 5 } });
    const decoded = decodeCommand(store.outbox.records()[0]?.value ?? '');
    if (!decoded.ok) throw decoded.error;
    const orphan = successReply(
      { ...decoded.envelope, sagaId: 'saga-unknown', correlationId: 'saga-unknown' },
      { reservationId: 'r-1' },
      { source: 'wallet', occurredAt: clock.now() },
    );
    const record = await received(store, 'm-2', 'saga-unknown', encodeEnvelope(orphan));

    const outcome = handle(record);

    await expect(outcome).rejects.toBeInstanceOf(SagaNotFoundError);
    await expect(outcome).rejects.toMatchObject({ retryable: false });
    expect((await store.inbox.get(CONSUMER, 'm-2'))?.status).toBe('PROCESSING');
  });
});
