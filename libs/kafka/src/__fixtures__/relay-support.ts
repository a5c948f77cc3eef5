import { type Clock, type OutboxMessage } from '@sagaflow/core';
import { ConfigResourceTypes } from 'kafkajs';

import { OutboxRelay, type OutboxRelayOptions } from '../outbox-relay';
import { type KafkaTestEnv, type ReadRecord } from './kafka-test-env';

/** The relay tests' clock. */
export const clock: Clock = { now: () => new Date() };

/** Fast back-off: the failure tests retry many times while the topic is fixed. */
export const backoff = { initialDelayMs: 50, maxDelayMs: 200 };

/** Message `n` of a key, its id `<key>.m<n>` (also in its header); `size` pads the value. */
export function message(topic: string, key: string, n: number, size = 0): OutboxMessage {
  return {
    id: `${key}.m${n}`,
    topic,
    key,
    headers: { 'sagaflow-message-id': `${key}.m${n}` },
    value: size > 0 ? 'x'.repeat(size) : JSON.stringify({ key, n }),
  };
}

/** Message ids per key in log order, every appearance. */
export function byKey(records: readonly ReadRecord[]): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const r of records) {
    const id = r.headers['sagaflow-message-id'] ?? '?';
    keys.set(r.key ?? '', [...(keys.get(r.key ?? '') ?? []), id]);
  }
  return keys;
}

/** Each id once, at its first appearance. */
export function firstAppearances(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

/** The ids of `sent` with the given key, in outbox order. */
export function idsOf(sent: readonly OutboxMessage[], key: string): string[] {
  return sent.filter((m) => m.key === key).map((m) => m.id);
}

/** Sets a topic's `max.message.bytes`. */
export async function setMaxMessageBytes(
  env: KafkaTestEnv,
  topic: string,
  bytes: number,
): Promise<void> {
  await env.admin.alterConfigs({
    validateOnly: false,
    resources: [
      {
        type: ConfigResourceTypes.TOPIC,
        name: topic,
        configEntries: [{ name: 'max.message.bytes', value: String(bytes) }],
      },
    ],
  });
}

/**
 * The relays and publishers a test file creates, stopped and disconnected together in its
 * `afterAll`; `relay` applies the tests' defaults (fast back-off, the env's logger).
 */
export class RelayTracker {
  readonly #relays: OutboxRelay[] = [];
  readonly #publishers: { disconnect(): Promise<void> }[] = [];

  /** Tracks a publisher and returns it. */
  publisher<P extends { disconnect(): Promise<void> }>(publisher: P): P {
    this.#publishers.push(publisher);
    return publisher;
  }

  /** A tracked relay. */
  relay(
    env: KafkaTestEnv,
    options: Pick<OutboxRelayOptions, 'outbox' | 'publisher'> & Partial<OutboxRelayOptions>,
  ): OutboxRelay {
    const relay = new OutboxRelay({ backoff, logger: env.logger, ...options });
    this.#relays.push(relay);
    return relay;
  }

  /** Stops every relay, then disconnects every publisher; failures are ignored. */
  async stopAll(): Promise<void> {
    await Promise.allSettled(this.#relays.map((r) => r.stop()));
    await Promise.allSettled(this.#publishers.map((p) => p.disconnect()));
  }
}
