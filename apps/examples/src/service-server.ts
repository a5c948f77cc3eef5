import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';

import { describeError, type Logger } from '@sagaflow/core';
import { type MetricsRegistry } from '@sagaflow/observability';
import { type Participant } from '@sagaflow/participant';

/** Options of {@link startServiceServer}. */
export interface ServiceServerOptions {
  readonly host: string;
  /** `0` picks a free port (see {@link ServiceServer.url}). */
  readonly port: number;
  readonly participant: Participant;
  /** What `GET /metrics` serves: the registry the participant's metrics are on. */
  readonly metrics: MetricsRegistry;
  readonly logger: Logger;
}

/** A listening service server. */
export interface ServiceServer {
  /** `http://<host>:<port>`, with the port actually bound. */
  readonly url: string;
  /** Stops accepting connections and closes the idle ones. */
  close(): Promise<void>;
}

/**
 * Serves an example service's probes and its participant's admin routes over plain
 * `node:http`:
 * - `GET /health` — liveness: 200 `{ "status": "ok", "service": … }` while the process runs;
 * - `GET /ready` — readiness: 200 when the participant runs and Kafka, MySQL and Redis
 *   answer, else 503; the body has each check;
 * - `GET /stats` — the participant's counters (handled, duplicates, failures, dead letters);
 * - `GET /metrics` — the Prometheus exposition of `metrics`, public (as the orchestrator's
 *   is by default);
 * - the admin routes of `participant.admin`: `GET /dead-letters`, `GET /dead-letters/:id`,
 *   `POST /dead-letters/:id/replay`, `GET /event-process/failed`,
 *   `POST /event-process/failed/:consumer/:messageId/retry`.
 *
 * @example
 * ```ts
 * const server = await startServiceServer({
 *   host: '127.0.0.1',
 *   port: 8082,
 *   participant,
 *   metrics: createMetricsRegistry({ defaultLabels: { service: participant.name } }),
 *   logger,
 * });
 * await fetch(`${server.url}/ready`);
 * ```
 */
export async function startServiceServer(options: ServiceServerOptions): Promise<ServiceServer> {
  const { logger } = options;
  const server = createServer((request, response) => {
    serve(request, response, options).catch((error: unknown) => {
      logger.error('HTTP request failed', { error: describeError(error), url: request.url });
      if (!response.headersSent) {
        send(response, 500, { error: { code: 'INTERNAL_ERROR', message: 'internal error' } });
      }
    });
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host}:${port}`;
  logger.info('service server listening', { url });
  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error === undefined) resolve();
          else reject(error);
        });
        server.closeIdleConnections();
      }),
  };
}

async function serve(
  request: IncomingMessage,
  response: ServerResponse,
  { participant, metrics }: ServiceServerOptions,
): Promise<void> {
  if (await participant.admin.handle(request, response)) return;
  if (request.method === 'GET' && pathOf(request) === '/metrics') {
    const text = await metrics.registry.metrics();
    response.writeHead(200, { 'content-type': metrics.registry.contentType });
    response.end(text);
    return;
  }
  const { status, body } = await probe(request, participant);
  send(response, status, body);
}

function pathOf(request: IncomingMessage): string {
  return new URL(request.url ?? '/', 'http://localhost').pathname;
}

async function probe(
  request: IncomingMessage,
  participant: Participant,
): Promise<{ status: number; body: unknown }> {
  const path = pathOf(request);
  const known = ['/health', '/ready', '/stats', '/metrics'].includes(path);
  if (known && request.method !== 'GET') {
    return { status: 405, body: { error: { code: 'METHOD_NOT_ALLOWED', message: 'GET only' } } };
  }
  switch (path) {
    case '/health':
      return { status: 200, body: { status: 'ok', service: participant.name } };
    case '/ready': {
      const health = await participant.checkHealth();
      return {
        status: health.ready ? 200 : 503,
        body: {
          status: health.ready ? 'ready' : 'not-ready',
          service: participant.name,
          ...health,
        },
      };
    }
    case '/stats':
      return { status: 200, body: { service: participant.name, ...participant.stats } };
    default:
      return { status: 404, body: { error: { code: 'NOT_FOUND', message: `no route ${path}` } } };
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}
