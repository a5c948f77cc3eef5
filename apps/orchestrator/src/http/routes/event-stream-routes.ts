import { type OutgoingHttpHeaders, type Server } from 'node:http';
import { type Socket } from 'node:net';

import { describeError } from '@sagaflow/core';
import { z } from 'zod';

import { ServiceStoppingError, StreamLimitReachedError } from '../errors';
import {
  EventStreamConnection,
  type EventStreamFilter,
  RECONNECT_DELAY_MS,
  SAGA_EVENT,
} from '../event-stream-connection';
import { EventStreamHub } from '../event-stream-hub';
import { parseRequest } from '../parse-request';
import { requestLogger } from '../request-logging';
import { nameSchema, sagaIdSchema } from '../request-schemas';
import { type RegisterRoutes } from '../route-context';

/** How long a client refused for the stream limit should wait, in seconds. */
const LIMIT_RETRY_AFTER_SECONDS = 5;
const MAX_EVENT_ID = 2n ** 63n - 1n;

/** An event id as the stream sends it: a `saga_event` id, in decimal. */
const EVENT_ID = /^(0|[1-9][0-9]{0,18})$/;
const eventIdSchema = z
  .string()
  .regex(EVENT_ID, 'must be an event id: a decimal integer without leading zeros')
  // zod runs a refinement even after a failed check: only a well-formed id is compared.
  .refine((id) => !EVENT_ID.test(id) || BigInt(id) <= MAX_EVENT_ID, 'must be at most 2^63 - 1');

const streamQuerySchema = z.strictObject({
  sagaId: sagaIdSchema.optional().meta({ description: "Only this saga's events" }),
  sagaType: nameSchema.optional().meta({ description: 'Only events of sagas of this type' }),
  lastEventId: eventIdSchema.optional().meta({
    description:
      'Resume after this event id, for clients that cannot send the `Last-Event-ID` header (the header wins)',
  }),
});

// Any other header is the client's business; an empty Last-Event-ID means none.
const streamHeadersSchema = z.object({
  'last-event-id': z
    .preprocess((value) => (value === '' ? undefined : value), eventIdSchema.optional())
    .meta({
      description:
        'The id of the last event the client received: the stream starts after it (what an EventSource sends when it reconnects)',
    }),
});

/**
 * `GET /events/stream?sagaId=&sagaType=` (`viewer`): the saga events as they are recorded,
 * as server-sent events — `id: <event id>`, `event: saga-event`,
 * `data: {"sagaId","sagaType","seq","type","event","recordedAt"}` — in the global order of
 * the event store, with a `retry:` hint and a `: keep-alive` comment every
 * `eventStream.heartbeatMs`. A client that sends `Last-Event-ID` (or `?lastEventId=`) gets
 * the events after that id first, then the live ones, with no gap and no duplicate; without
 * it, the events from now on. The token goes in `Authorization: Bearer`, never in the URL:
 * use a fetch-based reader (browsers' `EventSource` cannot send headers).
 *
 * One poller per instance reads the new events for every stream ({@link EventStreamHub});
 * at most `eventStream.maxClients` streams are open at once (503 `STREAM_LIMIT_REACHED`
 * with `Retry-After` past it), and a client that lets more than
 * `eventStream.maxQueuedEvents` events queue up is cut off, to resume with `Last-Event-ID`.
 * Every stream is ended when the API closes.
 */
export const registerEventStreamRoutes: RegisterRoutes = (app, { deps, options, auth }) => {
  const { maxClients, pollIntervalMs, gapGraceMs, maxQueuedEvents, heartbeatMs } =
    options.eventStream;
  const hub = new EventStreamHub({
    feed: deps.events,
    pollIntervalMs,
    gapGraceMs,
    logger: deps.logger.child({ component: 'event-stream' }),
  });
  const streams = new Set<EventStreamConnection>();
  const unused = trackUnusedConnections(app.server);

  // Before the server waits for its open requests to finish: a stream never would.
  app.addHook('preClose', (done) => {
    for (const stream of [...streams]) stream.close('shutdown');
    hub.close();
    for (const socket of unused) socket.destroy();
    done();
  });

  app.get(
    '/events/stream',
    {
      // A HEAD would stream forever with no body.
      exposeHeadRoute: false,
      config: {
        access: 'viewer',
        docs: {
          operationId: 'streamSagaEvents',
          summary: 'The saga events as they are recorded (server-sent events)',
          description:
            'Each event is `id: <event id>`, `event: saga-event` and `data:` with `{ sagaId, sagaType, seq, type, event, recordedAt }`, in the global order of the event store. Send `Last-Event-ID: <id>` (or `?lastEventId=`) to resume after an event: the events missed come first, then the live ones. A comment (`: keep-alive`) is sent every 15 s by default. The token goes in `Authorization: Bearer` (use a fetch-based reader: `EventSource` cannot send it). A client that reads too slowly is disconnected and resumes with `Last-Event-ID`.',
          tags: ['sagas'],
          query: streamQuerySchema,
          headers: streamHeadersSchema,
          responses: {
            200: {
              description: `The stream: \`${SAGA_EVENT}\` events, until the client or the server closes it`,
              contentTypes: ['text/event-stream'],
            },
            503: {
              description:
                '`STREAM_LIMIT_REACHED`: this instance serves as many streams as it may; `SERVICE_STOPPING`: it shuts down',
              headers: { 'Retry-After': 'Seconds to wait' },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const query = parseRequest(streamQuerySchema, request.query, 'query');
      const headers = parseRequest(streamHeadersSchema, request.headers, 'headers');
      // The header is what a reconnecting client last saw; the query is its first URL's.
      const resumeAfter = headers['last-event-id'] ?? query.lastEventId ?? null;
      if (streams.size >= maxClients) {
        throw new StreamLimitReachedError(maxClients, LIMIT_RETRY_AFTER_SECONDS);
      }
      const filter: EventStreamFilter = {
        ...(query.sagaId === undefined ? {} : { sagaId: query.sagaId }),
        ...(query.sagaType === undefined ? {} : { sagaType: query.sagaType }),
      };
      const log = requestLogger(deps.logger, request);
      const actor = auth.callerOf(request)?.name ?? null;
      const openedAt = performance.now();
      const stream: EventStreamConnection = new EventStreamConnection({
        response: reply.raw,
        headers: reply.getHeaders() as OutgoingHttpHeaders,
        hub,
        feed: deps.events,
        filter,
        resumeAfter,
        maxQueuedEvents,
        heartbeatMs,
        logger: log,
        onClose: (reason, eventsSent) => {
          streams.delete(stream);
          const fields = {
            reason,
            eventsSent,
            durationMs: Math.round(performance.now() - openedAt),
            actor,
            ...filter,
          };
          if (reason === 'slow-client') {
            log.warn('event stream cut off: the client reads too slowly', {
              ...fields,
              maxQueuedEvents,
            });
          } else {
            log.info('event stream closed', fields);
          }
        },
      });
      // Counted from now: the limit holds while streams join.
      streams.add(stream);
      try {
        await stream.join();
      } catch (error: unknown) {
        streams.delete(stream);
        throw error;
      }
      if (stream.closed) throw new ServiceStoppingError(Math.ceil(RECONNECT_DELAY_MS / 1000));
      reply.hijack();
      log.debug('event stream opened', { actor, resumeAfter, ...filter });
      stream.open().catch((error: unknown) => {
        log.error('event stream failed', { error: describeError(error) });
        stream.close('read-failed');
      });
    },
  );
};

/**
 * The connections that have not sent a request yet. `server.close()` waits for them until
 * their headers timeout (a minute or more), unlike idle keep-alive ones; and Node's `fetch`
 * opens one when a client aborts a streamed response — the way a stream client leaves.
 */
function trackUnusedConnections(server: Server): ReadonlySet<Socket> {
  const unused = new Set<Socket>();
  server.on('connection', (socket) => {
    unused.add(socket);
    socket.once('close', () => unused.delete(socket));
  });
  server.on('request', ({ socket }) => unused.delete(socket));
  return unused;
}
