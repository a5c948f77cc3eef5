import { SagaNotFoundError, SagaStatus } from '@sagaflow/core';
import { z } from 'zod';

import { committedState } from '../committed-state';
import { refusalError } from '../errors/admission-errors';
import { parseRequest } from '../parse-request';
import { requestLogger } from '../request-logging';
import {
  businessKeySchema,
  limitSchema,
  nameSchema,
  sagaIdSchema,
  tokenSchema,
} from '../request-schemas';
import { type RegisterRoutes } from '../route-context';
import { toSagaView } from '../saga-view';

const startBodySchema = z.strictObject({
  sagaType: nameSchema,
  // Checked against the definition's own input schema by the engine (INPUT_INVALID).
  input: z.unknown().refine((input) => input !== undefined, 'Required'),
  businessKey: businessKeySchema.optional(),
  version: z.number().int().min(1).optional(),
});

const listQuerySchema = z.strictObject({
  status: z.enum(SagaStatus).optional(),
  sagaType: nameSchema.optional(),
  businessKey: businessKeySchema.optional(),
  limit: limitSchema,
  cursor: tokenSchema.optional(),
});

const sagaParamsSchema = z.strictObject({ sagaId: sagaIdSchema });

const eventsQuerySchema = z.strictObject({
  afterSeq: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

/**
 * `POST /sagas` (`operator`: start, idempotent on the business key; refused with 429 and
 * `Retry-After` while a backlog is over its bound), `GET /sagas` (filtered listing, newest
 * first, by cursor), `GET /sagas/:sagaId` (state and every step of the definition),
 * `GET /sagas/:sagaId/events?afterSeq&limit` (the event history in pages: the events after
 * `afterSeq`, at most `limit` (default 500), and `nextAfterSeq` to ask for the next page, null
 * at the end); the reads need `viewer`.
 */
export const registerSagaRoutes: RegisterRoutes = (app, { deps }) => {
  const viewer = { config: { access: 'viewer' } } as const;

  app.post('/sagas', { config: { access: 'operator' } }, async (request, reply) => {
    const body = parseRequest(startBodySchema, request.body, 'body');
    // After the parse: a malformed request gets its 400, and never waits on the backlog.
    const admission = await deps.admission.admitStart();
    if (!admission.admitted) throw refusalError(admission);
    const result = await deps.engine
      .start({
        sagaType: body.sagaType,
        input: body.input,
        ...(body.businessKey === undefined ? {} : { businessKey: body.businessKey }),
        ...(body.version === undefined ? {} : { version: body.version }),
      })
      .catch(async (error: unknown) => {
        // Only a new saga's commit schedules timers: the saga was created.
        const state = await committedState(error, deps.engine, requestLogger(deps.logger, request));
        return { sagaId: state.sagaId, created: true, state };
      });
    if (result.created) void reply.header('location', `/sagas/${result.sagaId}`);
    return reply.code(result.created ? 201 : 200).send({
      sagaId: result.sagaId,
      created: result.created,
      status: result.state.status,
    });
  });

  app.get('/sagas', viewer, (request) => {
    const query = parseRequest(listQuerySchema, request.query, 'query');
    return deps.sagas.list({
      limit: query.limit,
      ...(query.status === undefined ? {} : { status: query.status }),
      ...(query.sagaType === undefined ? {} : { sagaType: query.sagaType }),
      ...(query.businessKey === undefined ? {} : { businessKey: query.businessKey }),
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
    });
  });

  app.get('/sagas/:sagaId', viewer, async (request) => {
    const { sagaId } = parseRequest(sagaParamsSchema, request.params, 'params');
    const state = await deps.engine.getState(sagaId);
    if (state === null) throw new SagaNotFoundError(sagaId);
    return toSagaView(state, deps.definitions);
  });

  app.get('/sagas/:sagaId/events', viewer, async (request) => {
    const { sagaId } = parseRequest(sagaParamsSchema, request.params, 'params');
    const { afterSeq, limit } = parseRequest(eventsQuerySchema, request.query, 'query');
    // One more than the page: whether another page follows.
    const read = await deps.engine.getHistory(sagaId, { afterSeq, limit: limit + 1 });
    if (read.length === 0 && (afterSeq === 0 || (await deps.engine.getState(sagaId)) === null)) {
      throw new SagaNotFoundError(sagaId);
    }
    const page = read.slice(0, limit);
    return {
      sagaId,
      events: page.map(({ seq, event, recordedAt }) => ({
        seq,
        type: event.type,
        event,
        recordedAt,
      })),
      nextAfterSeq: read.length > limit ? (page.at(-1)?.seq ?? null) : null,
    };
  });
};
