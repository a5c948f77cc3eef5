import { type Direction, type InboxMessage } from '@sagaflow/core';
import { type Envelope } from '@sagaflow/messaging';

/**
 * A decoded, accepted message handed to an `InboxConsumer`'s sink: the EventProcess
 * (inbox) fields — assignable to `InboxMessage`, so it can go to `Inbox.receive` as is —
 * with the step and direction read from the envelope (`MySqlInbox` stores them without
 * parsing the payload again), plus the envelope and where the record came from.
 */
export interface ConsumedMessage extends InboxMessage {
  /** The envelope's step. */
  readonly step: string;
  /** `forward` for a command, `compensation` for a compensation, null for a reply. */
  readonly direction: Direction | null;
  readonly envelope: Envelope;
  readonly topic: string;
  readonly partition: number;
  /** Kafka offset as a decimal string (offsets exceed 2^53). */
  readonly offset: string;
}

/**
 * Makes a consumed batch durable — typically `Inbox.receive` (the EventProcess insert that
 * drops duplicates) followed by enqueueing the accepted messages. Must resolve only once
 * they are durable: the offsets are committed right after. Must tolerate messages it has
 * seen before (redelivery after a failure or a crash).
 */
export type InboxSink = (messages: readonly ConsumedMessage[]) => Promise<void>;
