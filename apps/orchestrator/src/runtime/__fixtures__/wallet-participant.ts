import { createKafka } from '@sagaflow/kafka';
import {
  type CommandEnvelope,
  decodeCommand,
  failureReply,
  type ReplyEnvelope,
  replyToOutboxMessage,
  successReply,
  type TopicNames,
} from '@sagaflow/messaging';
import { type Consumer, logLevel, Partitioners, type Producer } from 'kafkajs';

import { PAYMENT_PARTICIPANT, type Scenario } from './payment-saga';

/** The test's stand-in for the `wallet` service: it reads commands and answers them. */
export interface WalletParticipant {
  /** Every decoded command, in arrival order (redeliveries included). */
  readonly commands: CommandEnvelope[];
  /** `Capture` commands of `hold` sagas, not answered yet. */
  readonly held: CommandEnvelope[];
  /** Every reply sent, by the id of the command it answers. */
  readonly replies: Map<string, ReplyEnvelope>;
  /** Sends a success reply to a held command. */
  release(command: CommandEnvelope): Promise<void>;
  /** Sends an already sent reply again: same message id, same content. */
  resend(reply: ReplyEnvelope): Promise<void>;
  /** Produces a raw record on the replies topic, with these headers if given. */
  produceRaw(value: string, headers?: Readonly<Record<string, string>>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the participant: a consumer on the wallet's command topic (from the beginning) and
 * an idempotent producer for the replies, which follow each saga's scenario.
 */
export async function startWalletParticipant(
  topics: TopicNames,
  groupId: string,
): Promise<WalletParticipant> {
  const kafka = createKafka({
    brokers: ['127.0.0.1:9092'],
    clientId: groupId,
    logLevel: logLevel.NOTHING,
  });
  const consumer: Consumer = kafka.consumer({
    groupId,
    sessionTimeout: 6000,
    heartbeatInterval: 1000,
    rebalanceTimeout: 6000,
    maxWaitTimeInMs: 250,
  });
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const commands: CommandEnvelope[] = [];
  const held: CommandEnvelope[] = [];
  const replies = new Map<string, ReplyEnvelope>();
  const meta = () => ({ source: PAYMENT_PARTICIPANT, occurredAt: new Date() });

  const send = async (reply: ReplyEnvelope): Promise<void> => {
    replies.set(reply.replyTo.messageId, reply);
    const message = replyToOutboxMessage(reply, topics);
    await producer.send({
      topic: message.topic,
      messages: [{ key: message.key, value: message.value, headers: { ...message.headers } }],
    });
  };

  const answer = async (command: CommandEnvelope): Promise<void> => {
    const scenario = command.payload.scenario as Scenario | undefined;
    switch (command.messageType) {
      case 'Reserve':
        if (scenario === 'drop-first' && command.attempt === 1) return;
        await send(successReply(command, { reservationId: `r-${command.sagaId}` }, meta()));
        return;
      case 'Capture':
        if (scenario === 'hold') {
          held.push(command);
          return;
        }
        if (scenario === 'refuse') {
          await send(
            failureReply(
              command,
              { kind: 'business', code: 'CARD_DECLINED', message: 'the card was declined' },
              meta(),
            ),
          );
          return;
        }
        await send(successReply(command, {}, meta()));
        return;
      default:
        await send(successReply(command, {}, meta()));
    }
  };

  await Promise.all([consumer.connect(), producer.connect()]);
  await consumer.subscribe({ topics: [topics.commands(PAYMENT_PARTICIPANT)], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const decoded = decodeCommand(message.value?.toString('utf8') ?? '');
      if (!decoded.ok) throw decoded.error;
      commands.push(decoded.envelope);
      await answer(decoded.envelope);
    },
  });

  return {
    commands,
    held,
    replies,
    release: (command) => send(successReply(command, {}, meta())),
    resend: (reply) => send(reply),
    produceRaw: async (value, headers = {}) => {
      await producer.send({
        topic: topics.replies,
        messages: [{ key: 'garbage', value, headers: { ...headers } }],
      });
    },
    stop: async () => {
      await Promise.all([consumer.disconnect(), producer.disconnect()]);
    },
  };
}
