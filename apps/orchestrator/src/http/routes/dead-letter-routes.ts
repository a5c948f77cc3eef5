import {
  DeadLetterAlreadyReplayedError,
  DeadLetterNotFoundError,
  type DeadLetterQuery,
} from '@sagaflow/core';
import { type RouteShorthandOptions } from 'fastify';
import { z } from 'zod';

import { parseRequest } from '../parse-request';
import { requestLogger } from '../request-logging';
import { limitSchema, noActorSchema, reasonSchema, sagaIdSchema } from '../request-schemas';
import { type RegisterRoutes } from '../route-context';
import { recordSagaRedelivery } from '../saga-redelivery-record';

const deadLetterIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1 to 64 characters of [A-Za-z0-9._-]');

const listQuerySchema = z.strictObject({
  limit: limitSchema,
  beforeId: deadLetterIdSchema.optional(),
  reasonCode: z.string().min(1).max(64).optional(),
  topic: z.string().min(1).max(249).optional(),
  replayed: z.enum(['true', 'false']).optional(),
  sagaId: sagaIdSchema.optional(),
});

const idParamsSchema = z.strictObject({ id: deadLetterIdSchema });

const replayBodySchema = z.strictObject({
  actor: noActorSchema,
  /** Why it is replayed: stored with the replay stamp, and in the saga's history. */
  reason: reasonSchema,
  /** Replay one that was replayed before. */
  force: z.boolean().default(false),
});

/**
 * `GET /dead-letters?limit=&beforeId=&reasonCode=&topic=&replayed=&sagaId=` (`viewer`):
 * dead letters newest first, each filter optional and combined with the others —
 * `reasonCode` (say `UNKNOWN_MESSAGE_TYPE`), `topic` (the source topic), `replayed`
 * (`true`/`false`), `sagaId` (those whose saga id could be read from the message); pass
 * `nextBeforeId` as `beforeId` for the next page. `GET /dead-letters/:id` (`viewer`).
 *
 * `POST /dead-letters/:id/replay` with `{ reason, force? }` (`operator`; `reason` required,
 * 1–2000 characters once trimmed): re-publishes the record and stamps who replayed it (the
 * API token's name), when and why. When the dead letter names a saga that exists, the
 * replay is recorded in that saga's history too (`MessageRedelivered`, with the actor, the
 * reason, the consumer, the message id and the dead letter id), also after the saga ended;
 * a dead letter of no saga, or of one that no longer exists (purged), is still replayed,
 * and only the log and the stamp keep the replay (as they do when that record fails: it is
 * logged as an error, and the answer is still 200). A dead letter replayed before is answered
 * 409 unless `force` is true; consumers discard what they processed already, so a replay
 * never applies a message twice.
 */
export const registerDeadLetterRoutes: RegisterRoutes = (app, { deps, auth }) => {
  const list: RouteShorthandOptions = {
    config: {
      access: 'viewer',
      docs: {
        operationId: 'listDeadLetters',
        summary: 'Dead letters with their reason, newest first, by filter',
        tags: ['dead-letters'],
        query: listQuerySchema,
        responses: {
          200: '`{ items, nextBeforeId }`: pass `nextBeforeId` as `beforeId` for the next page; null at the end',
        },
      },
    },
  };
  app.get('/dead-letters', list, async (request) => {
    const query = parseRequest(listQuerySchema, request.query, 'query');
    const filter: DeadLetterQuery = {
      limit: query.limit,
      ...(query.beforeId === undefined ? {} : { beforeId: query.beforeId }),
      ...(query.reasonCode === undefined ? {} : { reasonCode: query.reasonCode }),
      ...(query.topic === undefined ? {} : { sourceTopic: query.topic }),
      ...(query.replayed === undefined ? {} : { replayed: query.replayed === 'true' }),
      ...(query.sagaId === undefined ? {} : { sagaId: query.sagaId }),
    };
    const items = await deps.deadLetters.list(filter);
    const last = items.at(-1);
    return {
      items,
      nextBeforeId: items.length === query.limit && last !== undefined ? last.id : null,
    };
  });

  const get: RouteShorthandOptions = {
    config: {
      access: 'viewer',
      docs: {
        operationId: 'getDeadLetter',
        summary: 'One dead letter',
        tags: ['dead-letters'],
        params: idParamsSchema,
        responses: { 200: 'The dead letter', 404: '`DEAD_LETTER_NOT_FOUND`' },
      },
    },
  };
  app.get('/dead-letters/:id', get, async (request) => {
    const { id } = parseRequest(idParamsSchema, request.params, 'params');
    const deadLetter = await deps.deadLetters.get(id);
    if (deadLetter === null) throw new DeadLetterNotFoundError(id);
    return deadLetter;
  });

  const replay: RouteShorthandOptions = {
    config: {
      access: 'operator',
      docs: {
        operationId: 'replayDeadLetter',
        summary: 'Put a dead letter back on its topic, stamped with who replayed it',
        tags: ['dead-letters'],
        params: idParamsSchema,
        body: replayBodySchema,
        responses: {
          200: 'The dead letter, stamped',
          404: '`DEAD_LETTER_NOT_FOUND`',
          409: '`DEAD_LETTER_ALREADY_REPLAYED`: it was replayed before and `force` is not true',
        },
      },
    },
  };
  app.post('/dead-letters/:id/replay', replay, async (request) => {
    const { id } = parseRequest(idParamsSchema, request.params, 'params');
    const { reason, force } = parseRequest(replayBodySchema, request.body, 'body');
    const actor = auth.actorOf(request);
    const log = requestLogger(deps.logger, request);
    const deadLetter = await deps.deadLetters.get(id);
    if (deadLetter === null) throw new DeadLetterNotFoundError(id);
    if (deadLetter.replayedAt !== null && !force) {
      throw new DeadLetterAlreadyReplayedError(id, deadLetter.replayedAt, deadLetter.replayedBy);
    }
    // Published first; logged, recorded in the saga's history and stamped after: none of
    // them claims a replay that did not happen. A crash after the publish leaves the replay
    // in the log only; replaying again is harmless (the consumer's EventProcess table drops a duplicate)
    // and is recorded.
    await deps.deadLetterReplay.replay(deadLetter);
    log.info('dead letter replayed', {
      deadLetterId: id,
      actor,
      reason,
      sourceTopic: deadLetter.sourceTopic,
      reasonCode: deadLetter.reason.code,
      messageId: deadLetter.messageId,
      sagaId: deadLetter.sagaId,
      forced: deadLetter.replayedAt !== null,
    });
    await recordSagaRedelivery(deps.engine, log, deadLetter.sagaId, {
      kind: 'dead-letter-replay',
      consumer: deadLetter.consumer,
      messageId: deadLetter.messageId,
      deadLetterId: id,
      actor,
      reason,
    });
    await deps.deadLetters.markReplayed(id, actor, deps.clock.now(), reason);
    return (await deps.deadLetters.get(id)) ?? deadLetter;
  });
};
