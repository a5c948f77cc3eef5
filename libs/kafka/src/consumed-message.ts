import { type Direction, type EventProcessMessage } from '@sagaflow/core';
import { type Envelope } from '@sagaflow/messaging';

/**
 * A decoded, accepted message handed to an `EventProcessConsumer`'s sink: the EventProcess
 * fields — assignable to `EventProcessMessage`, so it can go to `eventProcess.receive` as is —
 * with the step and direction read from the envelope (`MySqlEventProcessStore` stores them without
 * parsing the payload again), plus the envelope and where the record came from.
 */
export interface ConsumedMessage extends EventProcessMessage {
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
 * Makes a consumed batch durable — typically `eventProcess.receive` (the EventProcess insert that
 * drops duplicates) followed by enqueueing the accepted messages. Must resolve only once
 * they are durable: the offsets are committed right after. Must tolerate messages it has
 * seen before (redelivery after a failure or a crash).
 */
export type EventProcessSink = (messages: readonly ConsumedMessage[]) => Promise<void>;
