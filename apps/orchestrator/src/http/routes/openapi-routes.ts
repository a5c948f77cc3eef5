import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { z } from 'zod';

import { buildOpenApiDocument } from '../openapi-document';
import { type RegisterRoutes } from '../route-context';

/** The orchestrator's package.json: three levels up from `src/http/routes` and `dist/http/routes`. */
const PACKAGE_JSON = join(__dirname, '..', '..', '..', 'package.json');

/**
 * `GET /openapi.json` (public: it describes the API and holds no data): the OpenAPI 3.1
 * document of every route that declares `config.docs`, built from the routes' own request
 * schemas on the first request (every route is registered by then) and served from memory
 * after. `info.version` is the orchestrator's package version. Routes without docs are left
 * out and named in a warning.
 */
export const registerOpenApiRoutes: RegisterRoutes = (app, { deps, options, routes }) => {
  let json: string | null = null;

  app.get(
    '/openapi.json',
    {
      config: {
        access: 'public',
        docs: {
          operationId: 'getOpenApiDocument',
          summary: 'This document: the OpenAPI 3.1 description of the API',
          tags: ['meta'],
          responses: { 200: 'The OpenAPI 3.1 document' },
        },
      },
    },
    (_request, reply) => {
      if (json === null) {
        const undocumented = routes.routes.filter((route) => route.docs === null);
        if (undocumented.length > 0) {
          deps.logger.warn('routes without docs are left out of GET /openapi.json', {
            routes: undocumented.map(({ method, url }) => `${method} ${url}`),
          });
        }
        json = JSON.stringify(
          buildOpenApiDocument(routes.routes, {
            version: packageVersion(),
            writeRateLimited: options.writeRateLimitPerMinute > 0,
          }),
        );
      }
      return reply.type('application/json; charset=utf-8').send(json);
    },
  );
};

function packageVersion(): string {
  return z
    .object({ version: z.string().min(1) })
    .parse(JSON.parse(readFileSync(PACKAGE_JSON, 'utf8'))).version;
}
