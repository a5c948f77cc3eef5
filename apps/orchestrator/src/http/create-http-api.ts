import { randomUUID } from 'node:crypto';

import { describeError, NotFoundError } from '@sagaflow/core';
import fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';

import { registerAuthentication } from './authentication';
import { toErrorResponse } from './error-response';
import { refusalError, RequestRefusedError } from './errors';
import { type HttpApiDeps, resolveHttpApiDeps } from './http-api-deps';
import { type HttpApiOptions, resolveHttpApiOptions } from './http-api-options';
import { registerHttpMetrics } from './http-metrics';
import { catalogueRoutes } from './openapi-document';
import { type ErrorCodes, registerRequestLogging, requestLogger } from './request-logging';
import { type RouteContext } from './route-context';
import { registerDashboardRoutes } from './routes/dashboard-routes';
import { registerDeadLetterRoutes } from './routes/dead-letter-routes';
import { registerDefinitionRoutes } from './routes/definition-routes';
import { registerEventStreamRoutes } from './routes/event-stream-routes';
import { registerHealthRoutes } from './routes/health-routes';
import { registerEventProcessRoutes } from './routes/event-process-routes';
import { registerMetricsRoutes } from './routes/metrics-routes';
import { registerOpenApiRoutes } from './routes/openapi-routes';
import { registerSagaActionRoutes } from './routes/saga-action-routes';
import { registerSagaRoutes } from './routes/saga-routes';
import { registerStatsRoutes } from './routes/stats-routes';
import { registerWhoamiRoutes } from './routes/whoami-routes';
import { registerWriteRateLimit } from './write-rate-limit';

/** Request ids taken from the client: short, and safe to write in logs and headers. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Routes that need no database: served while the instance starts. */
const PROBE_PATHS: ReadonlySet<string> = new Set(['/health', '/ready', '/metrics']);

/**
 * Builds the orchestrator's status and admin API (JSON, every input validated, errors as
 * `{ error: { code, message, details? } }`) on the given ports. The instance is not
 * listening: call `listen` (or `inject` in tests), and `close` on shutdown.
 *
 * | route | |
 * | --- | --- |
 * | `POST /sagas` | start a saga: 201, or 200 with `created: false` for a known business key |
 * | `GET /sagas`, `/sagas/:sagaId`, `/sagas/:sagaId/events` | listing, one saga, its history |
 * | `GET /events/stream` | saga events as they are recorded (server-sent events; `sagaId`, `sagaType`, `Last-Event-ID`) |
 * | `POST /sagas/:sagaId/actions/:action` | `retry-step`, `abort`, `resolve`, `retry-compensation` |
 * | `GET /definitions`, `/definitions/:name/:version/graph` | definitions and their graphs |
 * | `GET /stats` | counts, latency percentiles, throughput |
 * | `GET /dead-letters`, `/dead-letters/:id`, `POST /dead-letters/:id/replay` | dead letters |
 * | `GET /event-process/failed`, `POST /event-process/failed/:consumer/:messageId/retry` | FAILED EventProcess records; retry one |
 * | `GET /health`, `/ready`, `/metrics` | liveness, readiness, Prometheus |
 * | `GET /openapi.json` | the OpenAPI 3.1 document of these routes (public) |
 * | `GET /whoami` | the request's token: its name and role |
 * | `GET /ui`, `/ui/*` | the web dashboard's build (public; {@link HttpApiOptions.dashboardDir}) |
 *
 * Authentication ({@link HttpApiOptions.apiTokens}): every route but the probes (and
 * `/metrics` unless {@link HttpApiOptions.metricsPublic} is false) needs
 * `Authorization: Bearer <token>`: 401 `UNAUTHENTICATED` (with `WWW-Authenticate: Bearer`)
 * without a valid one, 403 `ACCESS_DENIED` when its role is too low (`viewer` reads,
 * `operator` starts sagas and acts, `admin` does everything). The token's name is the actor
 * of every action and is on the request's log line. Writes are limited per token
 * ({@link HttpApiOptions.writeRateLimitPerMinute}): 429 `RATE_LIMITED` with `Retry-After`.
 *
 * Admission ({@link HttpApiDeps.admission}): until the event store is open only the probes
 * are served (503 `SERVICE_STARTING`); a start over a backlog bound is answered 429
 * `SAGA_START_REFUSED`; both with `Retry-After`.
 *
 * Event streams ({@link HttpApiOptions.eventStream}): one poller serves every open
 * `GET /events/stream`; past `maxClients` streams the route answers 503
 * `STREAM_LIMIT_REACHED` with `Retry-After`, and `close()` ends every stream first.
 *
 * Every route declares its access and its OpenAPI description (`config.docs`, built from the
 * schemas it validates with): a route without docs is left out of `GET /openapi.json`.
 *
 * Routes are added when the instance gets ready (`listen`, `inject` or `ready`).
 *
 * @throws InvalidArgumentError when an option or a port is invalid.
 *
 * @example
 * ```ts
 * const http = createHttpApi(
 *   { engine, definitions, sagas, deadLetters, deadLetterReplay, failedEventProcess, healthChecks,
 *     metrics: metricsRegistry.registry, logger },
 *   { apiTokens: [{ name: 'ops', role: 'operator', sha256: hashApiToken(opsToken) }] },
 * );
 * await http.listen({ host: config.http.host, port: config.http.port });
 * ```
 */
export function createHttpApi(deps: HttpApiDeps, options: HttpApiOptions = {}): FastifyInstance {
  const resolvedDeps = resolveHttpApiDeps(deps);
  const resolvedOptions = resolveHttpApiOptions(options);
  const { logger } = resolvedDeps;
  const { requestIdHeader } = resolvedOptions;
  const errorCodes: ErrorCodes = new WeakMap();

  const app = fastify({
    // Requests are logged through the core Logger port in hooks (registerRequestLogging).
    logger: false,
    bodyLimit: resolvedOptions.bodyLimitBytes,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    genReqId: (request) => {
      const header = request.headers[requestIdHeader];
      return typeof header === 'string' && CLIENT_REQUEST_ID.test(header) ? header : randomUUID();
    },
    // Malformed URLs and the like, raised before routing, get the API's error format too.
    frameworkErrors: (error, request, reply) => {
      sendError(error, request, reply);
    },
  });

  const sendError = (error: unknown, request: FastifyRequest, reply: FastifyReply): void => {
    const { statusCode, body, headers } = toErrorResponse(error, request.id);
    errorCodes.set(request, body.error.code);
    const log = requestLogger(logger, request);
    const fields = {
      method: request.method,
      url: request.url,
      statusCode,
      error: describeError(error, { stack: true }),
    };
    // A refusal (starting, overloaded) is expected: counted in metrics, not an error.
    if (statusCode >= 500 && !(error instanceof RequestRefusedError)) {
      log.error('request failed', fields);
    } else {
      log.debug('request rejected', fields);
    }
    void reply
      .code(statusCode)
      .headers({ ...headers, [requestIdHeader]: request.id })
      .send(body);
  };

  // First: who sends the request, before anything is done for it.
  const auth = registerAuthentication(app, resolvedOptions, logger);
  registerRequestLogging(app, logger, resolvedOptions, errorCodes, auth);
  if (resolvedDeps.requestMetrics !== null) registerHttpMetrics(app, resolvedDeps.requestMetrics);
  // The instance listens before its event store is open, so that probes answer at once;
  // until then every other route answers 503 with Retry-After.
  app.addHook('onRequest', (request, _reply, done) => {
    const path = request.url.split('?', 1)[0] ?? request.url;
    const decision = PROBE_PATHS.has(path)
      ? { admitted: true as const }
      : resolvedDeps.admission.admitRequest();
    done(decision.admitted ? undefined : refusalError(decision));
  });
  app.setErrorHandler((error, request, reply) => {
    sendError(error, request, reply);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0] ?? request.url;
    sendError(
      new NotFoundError('ROUTE_NOT_FOUND', `no route for ${request.method} ${path}`),
      request,
      reply,
    );
  });

  registerWriteRateLimit(app, resolvedOptions.writeRateLimitPerMinute, auth);
  const context: RouteContext = {
    deps: resolvedDeps,
    options: resolvedOptions,
    auth,
    routes: catalogueRoutes(app, PROBE_PATHS),
  };
  // In a plugin, so that they are added once the rate limit's plugin is loaded.
  void app.register((routes, _options, done) => {
    for (const register of [
      registerSagaRoutes,
      registerSagaActionRoutes,
      registerEventStreamRoutes,
      registerDefinitionRoutes,
      registerStatsRoutes,
      registerDeadLetterRoutes,
      registerEventProcessRoutes,
      registerHealthRoutes,
      registerMetricsRoutes,
      registerOpenApiRoutes,
      registerWhoamiRoutes,
      registerDashboardRoutes,
    ]) {
      register(routes, context);
    }
    done();
  });
  return app;
}
