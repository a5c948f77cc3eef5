import {
  deadLetterStoreContract,
  eventStoreContract,
  InMemoryDeadLetterStore,
  InMemoryEventStore,
  InMemoryEventProcessStore,
  InMemorySagaStateCache,
  InMemoryScheduler,
  eventProcessStoreContract,
  ManualClock,
  outboxContract,
  sagaStateCacheContract,
  schedulerContract,
} from '../index';

const start = '2030-01-01T00:00:00Z';

eventStoreContract('InMemoryEventStore', () => {
  const store = new InMemoryEventStore({ clock: new ManualClock(start) });
  return Promise.resolve({
    store,
    eventProcess: store.eventProcess,
    outboxMessages: (key) =>
      Promise.resolve(
        store.outbox
          .records()
          .filter((m) => m.key === key)
          .map(({ id, topic, headers, value }) => ({ id, topic, key, headers, value })),
      ),
  });
});

outboxContract('InMemoryOutbox', () => {
  const { outbox } = new InMemoryEventStore({ clock: new ManualClock(start) });
  return Promise.resolve({
    outbox,
    enqueue: (messages) => {
      outbox.enqueue(messages);
      return Promise.resolve();
    },
  });
});

eventProcessStoreContract('InMemoryEventProcessStore', () => {
  const clock = new ManualClock(start);
  return Promise.resolve({
    eventProcess: new InMemoryEventProcessStore({ clock }),
    now: () => clock.now(),
  });
});

schedulerContract('InMemoryScheduler', () => {
  const clock = new ManualClock(start);
  const scheduler = new InMemoryScheduler();
  return Promise.resolve({
    scheduler,
    now: () => clock.now(),
    // A manual clock: each poll moves time on by 25 ms and fires what is due.
    poll: () => {
      const now = clock.advance(25);
      return Promise.resolve(scheduler.takeDue(now).map((timer) => ({ timer, firedAt: now })));
    },
  });
});

sagaStateCacheContract('InMemorySagaStateCache', () =>
  Promise.resolve({ cache: new InMemorySagaStateCache() }),
);

deadLetterStoreContract('InMemoryDeadLetterStore', () =>
  Promise.resolve({ store: new InMemoryDeadLetterStore() }),
);
