import { SagaNotFoundError, SagaStatus } from '@sagaflow/core';
import { type RouteShorthandOptions } from 'fastify';
import { z } from 'zod';

import { committedState } from '../committed-state';
import { refusalError } from '../errors';
import { MAX_STUCK_AFTER_MS } from '../http-api-options';
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

/** `status=RUNNING,COMPENSATING` or `status=RUNNING&status=COMPENSATING`. */
const statusesSchema = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (typeof value === 'string' ? [value] : value).flatMap((v) => v.split(',')))
  .pipe(z.array(z.enum(SagaStatus)).min(1).max(5));

/** An instant with its offset, e.g. `2031-01-01T12:00:00Z`. */
const instantSchema = z.iso.datetime({ offset: true }).transform((iso) => new Date(iso));

const listQuerySchema = z
  .strictObject({
    status: statusesSchema.optional(),
    sagaType: nameSchema.optional(),
    businessKey: businessKeySchema.optional(),
    startedAfter: instantSchema.optional(),
    startedBefore: instantSchema.optional(),
    updatedAfter: instantSchema.optional(),
    updatedBefore: instantSchema.optional(),
    stuck: z.enum(['true', 'false']).optional(),
    stuckAfterMs: z.coerce.number().int().min(1000).max(MAX_STUCK_AFTER_MS).optional(),
    sort: z.enum(['started', 'updated']).optional(),
    order: z.enum(['desc', 'asc']).default('desc'),
    limit: limitSchema,
    cursor: tokenSchema.optional(),
  })
  .refine((query) => query.stuckAfterMs === undefined || query.stuck === 'true', {
    message: 'stuckAfterMs needs stuck=true',
    path: ['stuckAfterMs'],
  });

const sagaParamsSchema = z.strictObject({ sagaId: sagaIdSchema });

const eventsQuerySchema = z.strictObject({
  afterSeq: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

/**
 * `POST /sagas` (`operator`: start, idempotent on the business key; refused with 429 and
 * `Retry-After` while a backlog is over its bound), `GET /sagas` (filtered listing by
 * cursor: statuses, type, business key, start or change window, stuck sagas; sorted by start
 * or last change, either way; see `SagaQueryPort.list`), `GET /sagas/:sagaId` (state and every step of the definition),
 * `GET /sagas/:sagaId/events?afterSeq&limit` (the event history in pages: the events after
 * `afterSeq`, at most `limit` (default 500), and `nextAfterSeq` to ask for the next page, null
 * at the end); the reads need `viewer`.
 */
export const registerSagaRoutes: RegisterRoutes = (app, { deps, options }) => {
  const start: RouteShorthandOptions = {
    config: {
      access: 'operator',
      docs: {
        operationId: 'startSaga',
        summary: 'Start a saga',
        description:
          'Idempotent on the business key: a saga type and business key already known answer 200 with `created: false` and the existing saga.',
        tags: ['sagas'],
        body: startBodySchema,
        responses: {
          200: 'The saga type and business key are known: `{ sagaId, created: false, status }`',
          201: {
            description: 'Started: `{ sagaId, created: true, status }`',
            headers: { Location: 'The saga: `/sagas/{sagaId}`' },
          },
          400: "`INPUT_INVALID`: the input does not match the definition's input schema",
          404: '`SAGA_TYPE_UNKNOWN`: no definition of that name (and version)',
          429: {
            description: '`SAGA_START_REFUSED`: a backlog is over its admission bound',
            headers: { 'Retry-After': 'Seconds to wait' },
          },
        },
      },
    },
  };
  app.post('/sagas', start, async (request, reply) => {
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

  const list: RouteShorthandOptions = {
    config: {
      access: 'viewer',
      docs: {
        operationId: 'listSagas',
        summary: 'List sagas by filter, one page at a time',
        description:
          'Newest first by start time unless `sort`/`order` say otherwise. `status` takes several statuses, comma-separated. `stuck=true` lists RUNNING and COMPENSATING sagas without a change for longer than the configured threshold (or `stuckAfterMs`) and every parked (COMPENSATION_FAILED) saga. A time range must be on the sorted column: `updated…` ranges and `stuck` sort by last change unless `sort` is given, and a range on the other column is refused (400). Every combination reads an index in order.',
        tags: ['sagas'],
        query: listQuerySchema,
        responses: {
          200: 'A page of sagas: `{ items, nextCursor }` (pass it as `cursor`, with the same filters)',
          400: '`REQUEST_INVALID` or `ARGUMENT_INVALID`: a bad filter, a range on the column not sorted by, or a cursor of another listing',
        },
      },
    },
  };
  app.get('/sagas', list, (request) => {
    const { stuck, stuckAfterMs, ...query } = parseRequest(listQuerySchema, request.query, 'query');
    const stuckSince =
      stuck === 'true'
        ? new Date(deps.clock.now().getTime() - (stuckAfterMs ?? options.stuckAfterMs))
        : undefined;
    return deps.sagas.list({
      ...withoutUndefined(query),
      ...(stuckSince === undefined ? {} : { stuckSince }),
    });
  });

  const get: RouteShorthandOptions = {
    config: {
      access: 'viewer',
      docs: {
        operationId: 'getSaga',
        summary: 'One saga: its state and every step of its definition',
        tags: ['sagas'],
        params: sagaParamsSchema,
        responses: { 200: 'The saga', 404: '`SAGA_NOT_FOUND`' },
      },
    },
  };
  app.get('/sagas/:sagaId', get, async (request) => {
    const { sagaId } = parseRequest(sagaParamsSchema, request.params, 'params');
    const state = await deps.engine.getState(sagaId);
    if (state === null) throw new SagaNotFoundError(sagaId);
    return toSagaView(state, deps.definitions);
  });

  const events: RouteShorthandOptions = {
    config: {
      access: 'viewer',
      docs: {
        operationId: 'listSagaEvents',
        summary: "A page of a saga's event history",
        tags: ['sagas'],
        params: sagaParamsSchema,
        query: eventsQuerySchema,
        responses: {
          200: '`{ sagaId, events: [{ seq, type, event, recordedAt }], nextAfterSeq }`: pass `nextAfterSeq` as `afterSeq` for the next page; null at the end',
          404: '`SAGA_NOT_FOUND`',
        },
      },
    },
  };
  app.get('/sagas/:sagaId/events', events, async (request) => {
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

/** `value` without its undefined fields (`exactOptionalPropertyTypes` tells them apart). */
function withoutUndefined<T extends object>(
  value: T,
): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
