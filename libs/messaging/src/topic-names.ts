import { checkOptions } from '@sagaflow/core';

import { ID_PATTERN } from './envelope-fields';

/** Kafka's longest topic name. */
export const MAX_TOPIC_NAME_LENGTH = 249;

/** The prefix of every Sagaflow topic unless configured. */
export const DEFAULT_TOPIC_PREFIX = 'sagaflow.';

const COMMANDS_SUFFIX = '.commands';
const REPLIES_TOPIC = 'saga.replies';
const DEAD_LETTERS_TOPIC = 'dead-letters';
const LEGAL_CHARACTERS = /^[A-Za-z0-9._-]*$/;

/** Options of {@link createTopicNames}. */
export interface TopicNamesOptions {
  /**
   * Put in front of every topic name. Characters `[A-Za-z0-9._-]` only; may be empty. Tests
   * and end-to-end runs use a unique prefix so that they never share topics.
   *
   * @defaultValue `'sagaflow.'`
   */
  readonly prefix?: string;
}

/**
 * The names of Sagaflow's topics under one prefix.
 *
 * - `commands(participant)`: `<prefix><participant>.commands`, a participant's commands
 *   and compensations;
 * - `replies`: `<prefix>saga.replies`, every participant's replies, read by the
 *   orchestrator;
 * - `deadLetters`: `<prefix>dead-letters`, the messages no consumer could use.
 */
export interface TopicNames {
  readonly prefix: string;
  /**
   * The command topic of a participant.
   *
   * @throws `InvalidArgumentError` (`OPTIONS_INVALID`) when the participant name is empty, has
   * characters outside `[A-Za-z0-9._-]` or makes the topic name longer than 249.
   */
  readonly commands: (participant: string) => string;
  readonly replies: string;
  readonly deadLetters: string;
  /** Every topic a deployment with these participants needs (each name once). */
  readonly all: (participants: readonly string[]) => string[];
}

/**
 * Applies the defaults of {@link TopicNamesOptions}, validates them and returns the topic
 * names.
 *
 * @throws `InvalidArgumentError` (`OPTIONS_INVALID`) when the prefix is invalid.
 *
 * @example
 * ```ts
 * const topics = createTopicNames();
 * topics.commands('payment-service'); // 'sagaflow.payment-service.commands'
 * topics.replies; // 'sagaflow.saga.replies'
 * createTopicNames({ prefix: 'test-7f3a.' }).deadLetters; // 'test-7f3a.dead-letters'
 * ```
 */
export function createTopicNames(options: TopicNamesOptions = {}): TopicNames {
  const prefix = options.prefix ?? DEFAULT_TOPIC_PREFIX;
  const longestPrefix =
    MAX_TOPIC_NAME_LENGTH - Math.max(REPLIES_TOPIC.length, DEAD_LETTERS_TOPIC.length);
  checkOptions('createTopicNames', [
    ['prefix', prefix, LEGAL_CHARACTERS.test(prefix), 'characters [A-Za-z0-9._-] only'],
    ['prefix', prefix, prefix.length <= longestPrefix, `at most ${longestPrefix} characters`],
  ]);
  const longestParticipant = MAX_TOPIC_NAME_LENGTH - prefix.length - COMMANDS_SUFFIX.length;
  const commands = (participant: string): string => {
    checkOptions('topics.commands', [
      [
        'participant',
        participant,
        ID_PATTERN.test(participant),
        'a non-empty name of characters [A-Za-z0-9._-]',
      ],
      [
        'participant',
        participant,
        participant.length <= longestParticipant,
        `at most ${longestParticipant} characters, for a command topic of at most ${MAX_TOPIC_NAME_LENGTH}`,
      ],
    ]);
    return `${prefix}${participant}${COMMANDS_SUFFIX}`;
  };
  const replies = `${prefix}${REPLIES_TOPIC}`;
  const deadLetters = `${prefix}${DEAD_LETTERS_TOPIC}`;
  return {
    prefix,
    commands,
    replies,
    deadLetters,
    all: (participants) => [...new Set([...participants.map(commands), replies, deadLetters])],
  };
}
