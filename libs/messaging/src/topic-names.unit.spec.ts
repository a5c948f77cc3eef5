import { InvalidArgumentError } from '@sagaflow/core';

import { thrownBy } from './__fixtures__/envelopes';
import { createTopicNames, DEFAULT_TOPIC_PREFIX, MAX_TOPIC_NAME_LENGTH } from './topic-names';

describe('topic names', () => {
  it('defaults to the sagaflow. prefix', () => {
    const topics = createTopicNames();

    expect(topics.prefix).toBe(DEFAULT_TOPIC_PREFIX);
    expect(topics.commands('payment-service')).toBe('sagaflow.payment-service.commands');
    expect(topics.replies).toBe('sagaflow.saga.replies');
    expect(topics.deadLetters).toBe('sagaflow.dead-letters');
  });

  it('isolates a test run under its own prefix', () => {
    const topics = createTopicNames({ prefix: 'e2e-7f3a9c.' });

    expect(topics.commands('inventory-service')).toBe('e2e-7f3a9c.inventory-service.commands');
    expect(topics.replies).toBe('e2e-7f3a9c.saga.replies');
    expect(topics.deadLetters).toBe('e2e-7f3a9c.dead-letters');
  });

  it('accepts an empty prefix', () => {
    expect(createTopicNames({ prefix: '' }).replies).toBe('saga.replies');
  });

  it('lists every topic a deployment needs, each once', () => {
    const topics = createTopicNames({ prefix: 't.' });

    expect(topics.all(['order-service', 'payment-service', 'order-service'])).toEqual([
      't.order-service.commands',
      't.payment-service.commands',
      't.saga.replies',
      't.dead-letters',
    ]);
    expect(topics.all([])).toEqual(['t.saga.replies', 't.dead-letters']);
  });

  it.each(['sagaflow/', 'saga flow.', 'sägaflow.', 'a:b'])('rejects the prefix %j', (prefix) => {
    const error = thrownBy(() => createTopicNames({ prefix }));

    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({
      code: 'OPTIONS_INVALID',
      field: 'prefix',
      value: JSON.stringify(prefix),
      message: `createTopicNames: invalid options: prefix=${JSON.stringify(prefix)} (expected characters [A-Za-z0-9._-] only)`,
    });
  });

  it('rejects a prefix that leaves no room for the topic names', () => {
    const longest = 'p'.repeat(MAX_TOPIC_NAME_LENGTH - 'dead-letters'.length);

    expect(createTopicNames({ prefix: longest }).deadLetters).toHaveLength(MAX_TOPIC_NAME_LENGTH);
    expect(() => createTopicNames({ prefix: `${longest}p` })).toThrow(
      /^createTopicNames: invalid options: prefix="p+\.\.\. \(expected at most 237 characters\)$/,
    );
  });

  it.each(['', 'payment service', 'payment/service', 'paiement-été'])(
    'rejects the participant name %j',
    (participant) => {
      const topics = createTopicNames();

      expect(thrownBy(() => topics.commands(participant))).toMatchObject({
        field: 'participant',
        value: JSON.stringify(participant),
        message: `topics.commands: invalid options: participant=${JSON.stringify(participant)} (expected a non-empty name of characters [A-Za-z0-9._-])`,
      });
      expect(() => topics.all(['order-service', participant])).toThrow(InvalidArgumentError);
    },
  );

  it('rejects a participant whose command topic would be longer than 249 characters', () => {
    const topics = createTopicNames();
    const longest = 'x'.repeat(MAX_TOPIC_NAME_LENGTH - 'sagaflow.'.length - '.commands'.length);

    expect(topics.commands(longest)).toHaveLength(MAX_TOPIC_NAME_LENGTH);
    expect(() => topics.commands(`${longest}x`)).toThrow(
      /^topics\.commands: invalid options: participant="x+\.\.\. \(expected at most 231 characters, for a command topic of at most 249\)$/,
    );
  });
});
