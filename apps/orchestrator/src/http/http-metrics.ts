import { type FastifyInstance } from 'fastify';

/** The `route` of a request no route matched (a 404, a URL refused before routing). */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Where the API counts the requests it answered; `OrchestratorMetrics` fits
 * (`http_requests_total` and `http_request_duration_seconds`).
 *
 * @example
 * ```ts
 * createHttpApi({ ...deps, requestMetrics: orchestratorMetrics }, options);
 * ```
 */
export interface HttpRequestMetrics {
  /**
   * One request answered: its method, its route pattern (`/sagas/:sagaId`) or
   * {@link UNMATCHED_ROUTE}, the status code sent, and the time to the response in ms.
   */
  recordHttpRequest(method: string, route: string, statusCode: number, durationMs: number): void;
}

/**
 * Counts every request when its response is sent, refusals (401, 429, 503) and errors
 * included, by method, route pattern and status code. The route is the pattern the request
 * matched, never its URL: label values stay as few as the routes, whatever clients ask.
 */
export function registerHttpMetrics(app: FastifyInstance, metrics: HttpRequestMetrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    metrics.recordHttpRequest(
      request.method,
      request.routeOptions.url ?? UNMATCHED_ROUTE,
      reply.statusCode,
      reply.elapsedTime,
    );
    done();
  });
}
