import { type Logger } from '@sagaflow/core';
import { type FastifyInstance, type FastifyRequest } from 'fastify';

import { type Authentication } from './authentication';
import { type ResolvedHttpApiOptions } from './http-api-options';

/**
 * The error code each failed request was answered with, so that its request line names
 * it. Weak: entries go with their requests.
 */
export type ErrorCodes = WeakMap<FastifyRequest, string>;

/**
 * A logger whose lines carry the request's id.
 *
 * @example
 * ```ts
 * requestLogger(deps.logger, request).info('operator action applied', { sagaId, actor });
 * ```
 */
export function requestLogger(logger: Logger, request: FastifyRequest): Logger {
  return logger.child({ requestId: request.id });
}

/**
 * Echoes the request id on every response and logs one structured line per request when
 * the response is sent: method, url, route, status code, duration, request id, the
 * `actor` (the name of the request's API token, never the token) and, for a failure, the
 * error code. Probes and scrapes (`quietPaths`) are logged at debug.
 */
export function registerRequestLogging(
  app: FastifyInstance,
  logger: Logger,
  options: ResolvedHttpApiOptions,
  errorCodes: ErrorCodes,
  auth: Authentication,
): void {
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header(options.requestIdHeader, request.id);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const path = request.url.split('?', 1)[0] ?? request.url;
    const errorCode = errorCodes.get(request);
    const caller = auth.callerOf(request);
    const fields = {
      method: request.method,
      url: request.url,
      route: request.routeOptions.url ?? null,
      statusCode: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
      ...(caller === null ? {} : { actor: caller.name }),
      ...(errorCode === undefined ? {} : { errorCode }),
    };
    const log = requestLogger(logger, request);
    if (options.quietPaths.has(path) && reply.statusCode < 500) {
      log.debug('request completed', fields);
    } else {
      log.info('request completed', fields);
    }
    done();
  });
}
