import { type DeadLetterQuery } from '@sagaflow/core';
import { z } from 'zod';

import { DeadLetterAlreadyReplayedError } from '../errors/dead-letter-already-replayed-error';
import { DeadLetterNotFoundError } from '../errors/dead-letter-not-found-error';
import { parseRequest } from '../parse-request';
import { requestLogger } from '../request-logging';
import { limitSchema, noActorSchema, sagaIdSchema } from '../request-schemas';
import { type RegisterRoutes } from '../route-context';

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

// The body may be left out: `{}`.
const replayBodySchema = z
  .strictObject({
    actor: noActorSchema,
    /** Replay one that was replayed before. */
    force: z.boolean().default(false),
  })
  .prefault({});

/**
 * `GET /dead-letters?limit=&beforeId=&reasonCode=&topic=&replayed=&sagaId=` (newest first; pass
 * `nextBeforeId` as `beforeId` for the next page), `GET /dead-letters/:id` (`viewer`), and
 * `POST /dead-letters/:id/replay` with `{ force? }` or no body (`operator`): re-publishes
 * the record and stamps who replayed it (the API token's name) and when. A dead letter
 * replayed before is answered 409 unless `force` is true; consumers discard what they
 * processed already, so a replay never applies a message twice.
 */
export const registerDeadLetterRoutes: RegisterRoutes = (app, { deps, auth }) => {
  const viewer = { config: { access: 'viewer' } } as const;
  const operator = { config: { access: 'operator' } } as const;

  app.get('/dead-letters', viewer, async (request) => {
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

  app.get('/dead-letters/:id', viewer, async (request) => {
    const { id } = parseRequest(idParamsSchema, request.params, 'params');
    const deadLetter = await deps.deadLetters.get(id);
    if (deadLetter === null) throw new DeadLetterNotFoundError(id);
    return deadLetter;
  });

  app.post('/dead-letters/:id/replay', operator, async (request) => {
    const { id } = parseRequest(idParamsSchema, request.params, 'params');
    const { force } = parseRequest(replayBodySchema, request.body, 'body');
    const actor = auth.actorOf(request);
    const deadLetter = await deps.deadLetters.get(id);
    if (deadLetter === null) throw new DeadLetterNotFoundError(id);
    if (deadLetter.replayedAt !== null && !force) {
      throw new DeadLetterAlreadyReplayedError(id, deadLetter.replayedAt, deadLetter.replayedBy);
    }
    // Published first, stamped second: a crash in between leaves it unstamped, and a second
    // replay is harmless (the consumer's inbox drops a duplicate).
    await deps.deadLetterReplay.replay(deadLetter);
    await deps.deadLetters.markReplayed(id, actor, deps.clock.now());
    requestLogger(deps.logger, request).info('dead letter replayed', {
      deadLetterId: id,
      actor,
      sourceTopic: deadLetter.sourceTopic,
      reasonCode: deadLetter.reason.code,
      messageId: deadLetter.messageId,
      sagaId: deadLetter.sagaId,
      forced: deadLetter.replayedAt !== null,
    });
    return (await deps.deadLetters.get(id)) ?? deadLetter;
  });
};
