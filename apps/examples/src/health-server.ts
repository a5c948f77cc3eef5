import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';

import { type Logger } from '@sagaflow/core';
import { type Participant } from '@sagaflow/participant';

/** Options of {@link startHealthServer}. */
export interface HealthServerOptions {
  readonly host: string;
  /** `0` picks a free port (see {@link HealthServer.url}). */
  readonly port: number;
  readonly participant: Participant;
  readonly logger: Logger;
}

/** A listening health server. */
export interface HealthServer {
  /** `http://<host>:<port>`, with the port actually bound. */
  readonly url: string;
  /** Stops accepting connections and closes the idle ones. */
  close(): Promise<void>;
}

/**
 * Serves an example service's probes over plain `node:http`:
 * - `GET /health` — liveness: 200 `{ "status": "ok", "service": … }` while the process runs;
 * - `GET /ready` — readiness: 200 when the participant runs and Kafka, MySQL and Redis
 *   answer, else 503; the body has each check;
 * - `GET /stats` — the participant's counters (handled, duplicates, failures, dead letters).
 *
 * @example
 * ```ts
 * const server = await startHealthServer({ host: '127.0.0.1', port: 8082, participant, logger });
 * await fetch(`${server.url}/ready`);
 * ```
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const { participant, logger } = options;
  const server = createServer((request, response) => {
    route(request, participant).then(
      ({ status, body }) => {
        send(response, status, body);
      },
      (error: unknown) => {
        logger.error('health request failed', { error, url: request.url });
        send(response, 500, { error: { code: 'INTERNAL', message: 'internal error' } });
      },
    );
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
  logger.info('health server listening', { url });
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

async function route(
  request: IncomingMessage,
  participant: Participant,
): Promise<{ status: number; body: unknown }> {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (request.method !== 'GET') {
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
