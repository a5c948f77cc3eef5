import { z } from 'zod';

import { FailedRecordNotFoundError } from '../errors/failed-record-not-found-error';
import { parseRequest } from '../parse-request';
import { requestLogger } from '../request-logging';
import { limitSchema, noActorSchema, tokenSchema } from '../request-schemas';
import { type RegisterRoutes } from '../route-context';

const consumerSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,128}$/, 'must be 1 to 128 characters of [A-Za-z0-9._-]');

const failedQuerySchema = z.strictObject({
  consumer: z.string().min(1).max(128).optional(),
  limit: limitSchema,
  cursor: tokenSchema.optional(),
});

const recordParamsSchema = z.strictObject({
  consumer: consumerSchema,
  messageId: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,255}$/, 'must be 1 to 255 characters of [A-Za-z0-9._-]'),
});

// No fields: the body may be left out, or `{}`.
const retryBodySchema = z.strictObject({ actor: noActorSchema }).prefault({});

/**
 * `GET /inbox/failed?consumer=&limit=&cursor=` (`viewer`): FAILED EventProcess records (most
 * recently updated first), with their last error, for operators; `{ items, nextCursor }`.
 *
 * `POST /inbox/failed/:consumer/:messageId/retry`, no body (`operator`): processes a FAILED
 * record again — back to RECEIVED and queued for the worker pool — once its cause is gone
 * (say, every instance now runs the saga version its reply needs). Answers 202 with the
 * record, 404 when no FAILED record has that key; the retry is logged with the actor (the
 * API token's name).
 */
export const registerInboxRoutes: RegisterRoutes = (app, { deps, auth }) => {
  app.get('/inbox/failed', { config: { access: 'viewer' } }, async (request) => {
    const { consumer, limit, cursor } = parseRequest(failedQuerySchema, request.query, 'query');
    const { items, nextCursor } = await deps.failedInbox.listFailed({
      limit,
      ...(consumer === undefined ? {} : { consumer }),
      ...(cursor === undefined ? {} : { cursor }),
    });
    return { items, nextCursor };
  });

  app.post(
    '/inbox/failed/:consumer/:messageId/retry',
    { config: { access: 'operator' } },
    async (request, reply) => {
      const { consumer, messageId } = parseRequest(recordParamsSchema, request.params, 'params');
      parseRequest(retryBodySchema, request.body, 'body');
      const actor = auth.actorOf(request);
      const record = await deps.failedInbox.retry(consumer, messageId);
      if (record === null) throw new FailedRecordNotFoundError(consumer, messageId);
      requestLogger(deps.logger, request).info('failed EventProcess record retried', {
        consumer,
        messageId,
        actor,
        sagaId: record.sagaId,
        attempts: record.attempts,
        lastError: record.lastError,
      });
      return reply.code(202).send(record);
    },
  );
};
