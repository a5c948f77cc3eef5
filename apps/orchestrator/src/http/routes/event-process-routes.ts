import { FailedRecordNotFoundError } from '@sagaflow/core';
import { type RouteShorthandOptions } from 'fastify';
import { z } from 'zod';

import { parseRequest } from '../parse-request';
import { requestLogger } from '../request-logging';
import { limitSchema, noActorSchema, reasonSchema, tokenSchema } from '../request-schemas';
import { type RegisterRoutes } from '../route-context';
import { recordSagaRedelivery } from '../saga-redelivery-record';

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

const retryBodySchema = z.strictObject({
  actor: noActorSchema,
  /** Why it is retried: logged, and recorded in the saga's history. */
  reason: reasonSchema,
});

/**
 * `GET /event-process/failed?consumer=&limit=&cursor=` (`viewer`): FAILED EventProcess records (most
 * recently updated first), with their last error, for operators; `{ items, nextCursor }`.
 *
 * `POST /event-process/failed/:consumer/:messageId/retry` with `{ reason }` (`operator`; `reason`
 * required, 1–2000 characters once trimmed): processes a FAILED record again — back to
 * RECEIVED and queued for the worker pool — once its cause is gone (say, every instance now
 * runs the saga version its reply needs). Answers 202 with the record, 404 when no FAILED
 * record has that key. The retry is logged with the actor (the API token's name) and the
 * reason, and recorded in the history of the record's saga (`MessageRedelivered`, also
 * after the saga ended) when that saga exists; a record of a saga that no longer exists
 * (purged) is still retried, and only the log keeps the retry (as it does when that record
 * fails: it is logged as an error, and the answer is still 202).
 */
export const registerEventProcessRoutes: RegisterRoutes = (app, { deps, auth }) => {
  const list: RouteShorthandOptions = {
    config: {
      access: 'viewer',
      docs: {
        operationId: 'listFailedEventProcessRecords',
        summary: 'FAILED EventProcess records, most recently updated first, with their last error',
        tags: ['event-process'],
        query: failedQuerySchema,
        responses: {
          200: '`{ items, nextCursor }`: pass `nextCursor` as `cursor` for the next page',
        },
      },
    },
  };
  app.get('/event-process/failed', list, async (request) => {
    const { consumer, limit, cursor } = parseRequest(failedQuerySchema, request.query, 'query');
    const { items, nextCursor } = await deps.failedEventProcess.listFailed({
      limit,
      ...(consumer === undefined ? {} : { consumer }),
      ...(cursor === undefined ? {} : { cursor }),
    });
    return { items, nextCursor };
  });

  const retryFailedRecord: RouteShorthandOptions = {
    config: {
      access: 'operator',
      docs: {
        operationId: 'retryFailedEventProcessRecord',
        summary: 'Process a FAILED EventProcess record again: back to RECEIVED, queued',
        tags: ['event-process'],
        params: recordParamsSchema,
        body: retryBodySchema,
        responses: {
          202: 'The record, queued again',
          404: '`FAILED_RECORD_NOT_FOUND`: no FAILED record has that key',
        },
      },
    },
  };
  app.post(
    '/event-process/failed/:consumer/:messageId/retry',
    retryFailedRecord,
    async (request, reply) => {
      const { consumer, messageId } = parseRequest(recordParamsSchema, request.params, 'params');
      const { reason } = parseRequest(retryBodySchema, request.body, 'body');
      const actor = auth.actorOf(request);
      const log = requestLogger(deps.logger, request);
      // Requeued first, recorded in the saga's history after: the history never claims a
      // retry that did not happen. A crash in between leaves the retry in the log only.
      const record = await deps.failedEventProcess.retry(consumer, messageId);
      if (record === null) throw new FailedRecordNotFoundError(consumer, messageId);
      log.info('failed EventProcess record retried', {
        consumer,
        messageId,
        actor,
        reason,
        sagaId: record.sagaId,
        attempts: record.attempts,
        lastError: record.lastError,
      });
      await recordSagaRedelivery(deps.engine, log, record.sagaId, {
        kind: 'event-process-retry',
        consumer,
        messageId,
        deadLetterId: null,
        actor,
        reason,
      });
      return reply.code(202).send(record);
    },
  );
};
