import {
  defineSaga,
  DefinitionRegistry,
  type EventProcessRecord,
  SagaEngine,
  SagaNotFoundError,
  TransientError,
  UnknownSagaTypeError,
} from '@sagaflow/core';
import { isRetryableError } from '@sagaflow/jobs';
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
import { z } from 'zod';

import { paymentSaga } from './__fixtures__/payment-saga';
import { createReplyHandler } from './reply-handler';

const CONSUMER = 'orchestrator';
/** The worker pool's first run of a job. */
const RUN = { attempt: 1, final: false };

function engineOn(
  store: InMemoryEventStore,
  clock: ManualClock,
  registry: DefinitionRegistry,
): SagaEngine {
  return new SagaEngine({
    definitions: registry,
    eventStore: store,
    scheduler: new InMemoryScheduler(),
    commandEncoder: createCommandEncoder({ topics: createTopicNames(), source: CONSUMER }),
    clock,
    ids: new SequentialIdGenerator({ prefix: 'saga' }),
  });
}

function setUp() {
  const clock = new ManualClock('2030-01-01T00:00:00.000Z');
  const store = new InMemoryEventStore({ clock });
  const engine = engineOn(store, clock, new DefinitionRegistry().register(paymentSaga));
  return { clock, store, engine, handle: createReplyHandler(engine) };
}

/** The EventProcess record of a message, as the worker pool hands it over after its claim. */
async function received(
  store: InMemoryEventStore,
  messageId: string,
  sagaId: string,
  payload: string,
): Promise<EventProcessRecord> {
  await store.eventProcess.receive([
    { consumer: CONSUMER, messageId, sagaId, messageType: 'Reserve', payload },
  ]);
  const record = await store.eventProcess.claim(CONSUMER, messageId, new Date(0));
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

    await handle(record, RUN);

    const state = await engine.getState(sagaId);
    expect(state?.steps.reserve?.status).toBe('SUCCEEDED');
    expect(state?.data).toMatchObject({ reservationId: 'r-1' });
    expect((await store.eventProcess.get(CONSUMER, reply.messageId))?.status).toBe('DONE');
  });

  it('fails for good on a payload that no longer decodes', async () => {
    const { store, handle } = setUp();
    const record = await received(store, 'm-1', 'saga-1', '{"not":"a reply"}');

    const outcome = handle(record, RUN);

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

    const outcome = handle(record, RUN);

    await expect(outcome).rejects.toBeInstanceOf(SagaNotFoundError);
    await expect(outcome).rejects.toMatchObject({ retryable: false });
    expect((await store.eventProcess.get(CONSUMER, 'm-2'))?.status).toBe('PROCESSING');
  });

  it('retries a reply to a saga whose definition version this instance lacks', async () => {
    const { store, engine, clock } = setUp();
    const { sagaId } = await engine.start({
      sagaType: 'payment',
      input: { wallet: 'w-1', amount: 5 },
    });
    const decoded = decodeCommand(store.outbox.records()[0]?.value ?? '');
    if (!decoded.ok) throw decoded.error;
    const reply = successReply(
      decoded.envelope,
      { reservationId: 'r-1' },
      { source: 'wallet', occurredAt: clock.now() },
    );
    const record = await received(store, reply.messageId, sagaId, encodeEnvelope(reply));
    // Another instance of a rolling deploy: it runs version 2 only.
    const paymentV2 = defineSaga('payment', { version: 2, input: z.object({}) })
      .step('reserve', (s) => s.invoke('wallet', 'Reserve', () => ({})).readOnly())
      .build();
    const newer = createReplyHandler(
      engineOn(store, clock, new DefinitionRegistry().register(paymentV2)),
    );

    const outcome = newer(record, RUN);

    await expect(outcome).rejects.toBeInstanceOf(TransientError);
    const error: unknown = await outcome.catch((e: unknown) => e);
    expect(isRetryableError(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'SAGA_DEFINITION_UNAVAILABLE',
      cause: expect.any(UnknownSagaTypeError) as unknown,
      context: { sagaId, sagaType: 'payment', messageId: reply.messageId, step: 'reserve' },
    });
    // Nothing applied: the retry (on this instance or another) still has it to do.
    expect((await store.eventProcess.get(CONSUMER, reply.messageId))?.status).toBe('PROCESSING');
    expect((await engine.getState(sagaId))?.steps.reserve?.status).not.toBe('SUCCEEDED');

    await createReplyHandler(engine)(record, RUN);
    expect((await engine.getState(sagaId))?.steps.reserve?.status).toBe('SUCCEEDED');
  });
});
