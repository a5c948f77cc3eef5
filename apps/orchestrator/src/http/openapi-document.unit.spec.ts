import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { compileErrors, validate } from '@readme/openapi-parser';
import { z } from 'zod';

import {
  createHttpApiFixture,
  type ErrorJson,
  type HttpApiFixture,
  type HttpApiFixtureOptions,
} from './__fixtures__/http-api-fixture';
import { type RouteAccess } from './authentication';
import {
  buildOpenApiDocument,
  type OpenApiDocument,
  type OpenApiOperation,
} from './openapi-document';

/** A route as fastify registered it, seen by a hook of the test's own. */
interface RegisteredRoute {
  readonly method: string;
  readonly url: string;
  readonly access: RouteAccess | undefined;
}

/** One operation of the document, with where it is. */
interface DocumentedOperation {
  readonly method: string;
  readonly path: string;
  readonly operation: OpenApiOperation;
}

/** `/sagas/:sagaId` → `/sagas/{sagaId}`. */
const toOpenApiPath = (url: string): string => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** The registered routes (HEAD aside) that the document does not describe. */
function undocumentedRoutes(
  registered: readonly RegisteredRoute[],
  document: OpenApiDocument,
): string[] {
  return registered
    .filter(
      ({ method, url }) => document.paths[toOpenApiPath(url)]?.[method.toLowerCase()] === undefined,
    )
    .map(({ method, url }) => `${method} ${url}`);
}

function operationsOf(document: OpenApiDocument): DocumentedOperation[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({ method, path, operation })),
  );
}

/**
 * The error code of the answer to a request with the admin token, null for a success. Read
 * as a stream: a route that streams (server-sent events) answers its headers and goes on.
 */
async function errorCodeOf(
  fixture: HttpApiFixture,
  method: string,
  url: string,
): Promise<string | null> {
  const response = await fixture.inject(
    { method: method.toUpperCase() as 'GET', url, payloadAsStream: true },
    'admin',
  );
  const stream = response.stream();
  if (response.statusCode < 400) {
    stream.destroy();
    return null;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return (JSON.parse(Buffer.concat(chunks).toString('utf8')) as ErrorJson).error.code;
}

/** Builds the fixture and records every route it registers, as fastify reports them. */
async function documentedApi(
  options: HttpApiFixtureOptions = {},
  addRoutes: (fixture: HttpApiFixture) => void = () => undefined,
): Promise<{ fixture: HttpApiFixture; registered: RegisteredRoute[]; document: OpenApiDocument }> {
  const fixture = createHttpApiFixture(options);
  const registered: RegisteredRoute[] = [];
  fixture.app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD')
        registered.push({ method, url: route.url, access: route.config?.access });
    }
  });
  addRoutes(fixture);
  await fixture.app.ready();
  const response = await fixture.inject({ method: 'GET', url: '/openapi.json' }, null);
  expect(response.statusCode).toBe(200);
  return { fixture, registered, document: response.json<OpenApiDocument>() };
}

describe('GET /openapi.json', () => {
  let fixture: HttpApiFixture | undefined;

  afterEach(async () => {
    await fixture?.app.close();
    fixture = undefined;
  });

  it('answers a valid OpenAPI 3.1 document without a token, the same on every call', async () => {
    const api = await documentedApi();
    fixture = api.fixture;

    const again = await fixture.inject({ method: 'GET', url: '/openapi.json' }, null);
    expect(again.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(again.json()).toEqual(api.document);

    expect(api.document.openapi).toBe('3.1.0');
    const packageJson = z
      .object({ version: z.string() })
      .parse(JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')));
    expect(api.document.info.version).toBe(packageJson.version);

    // A copy: the validator resolves the `$ref`s of what it is given, maybe in place.
    const copy = structuredClone(api.document) as unknown as Parameters<typeof validate>[0];
    const result = await validate(copy);
    if (!result.valid) throw new Error(compileErrors(result));
    expect(result).toMatchObject({ valid: true, specification: 'OpenAPI', warnings: [] });
  });

  it('describes every route the API registers, and every route it describes exists', async () => {
    const api = await documentedApi();
    fixture = api.fixture;

    expect(api.registered.length).toBeGreaterThan(10);
    expect(undocumentedRoutes(api.registered, api.document)).toEqual([]);

    const operations = operationsOf(api.document);
    expect(operations).toHaveLength(api.registered.length);
    for (const { method, path } of operations) {
      // Any value in place of each path parameter: a route that exists answers anything but
      // ROUTE_NOT_FOUND (an invalid parameter, a missing saga, …).
      const code = await errorCodeOf(fixture, method, path.replace(/\{[^}]+\}/g, 'x1'));
      expect({ method, path, code }).not.toEqual({ method, path, code: 'ROUTE_NOT_FOUND' });
    }
  });

  it('leaves out a route registered without docs, which the coverage check names, and warns', async () => {
    const api = await documentedApi({}, ({ app }) => {
      app.get('/undocumented', { config: { access: 'viewer' } }, () => ({}));
    });
    fixture = api.fixture;

    expect(undocumentedRoutes(api.registered, api.document)).toEqual(['GET /undocumented']);
    expect(fixture.logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'routes without docs are left out of GET /openapi.json',
        fields: expect.objectContaining({ routes: ['GET /undocumented'] }) as unknown,
      }),
    );
  });

  it("gives each operation its route's access: bearer security, or none for a public route", async () => {
    const api = await documentedApi();
    fixture = api.fixture;

    for (const { method, path, operation } of operationsOf(api.document)) {
      const route = api.registered.find(
        (registered) =>
          toOpenApiPath(registered.url) === path && registered.method.toLowerCase() === method,
      );
      expect({ path, method, access: operation['x-sagaflow-access'] }).toEqual({
        path,
        method,
        access: route?.access,
      });
      const isPublic = operation['x-sagaflow-access'] === 'public';
      expect(operation.security).toEqual(isPublic ? [] : [{ bearerAuth: [] }]);
      expect(Object.keys(operation.responses).includes('401')).toBe(!isPublic);

      // What the document says is what the API does: a request without a token.
      const url = path.replace(/\{[^}]+\}/g, 'x1');
      const response = await fixture.inject({ method: method.toUpperCase() as 'GET', url }, null);
      expect({ path, method, unauthenticated: response.statusCode === 401 }).toEqual({
        path,
        method,
        unauthenticated: !isPublic,
      });
    }
    expect(api.document.paths['/sagas']?.post?.['x-sagaflow-access']).toBe('operator');
    expect(api.document.paths['/sagas']?.get?.['x-sagaflow-access']).toBe('viewer');
    expect(api.document.paths['/health']?.get?.security).toEqual([]);
    expect(api.document.paths['/openapi.json']?.get?.security).toEqual([]);
    expect(api.document.components.securitySchemes).toEqual({
      bearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer' }) as unknown,
    });
  });

  it('documents GET /metrics with bearer security when metrics are not public', async () => {
    const api = await documentedApi({ options: { metricsPublic: false } });
    fixture = api.fixture;

    const metrics = api.document.paths['/metrics']?.get;
    expect(metrics?.['x-sagaflow-access']).toBe('viewer');
    expect(metrics?.security).toEqual([{ bearerAuth: [] }]);
  });

  it('takes parameters and bodies from the schemas the routes validate with', async () => {
    const api = await documentedApi();
    fixture = api.fixture;
    const { paths } = api.document;

    // A query parameter with a zod default: optional, with its default, as a client sends it.
    const listSagas = paths['/sagas']?.get;
    expect(listSagas?.parameters).toContainEqual({
      name: 'limit',
      in: 'query',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
    });
    expect(paths['/sagas/{sagaId}/events']?.get?.parameters).toContainEqual(
      expect.objectContaining({
        name: 'afterSeq',
        in: 'query',
        required: false,
        schema: expect.objectContaining({ type: 'integer', default: 0 }) as unknown,
      }),
    );
    // Path parameters: required, with their pattern.
    expect(paths['/sagas/{sagaId}']?.get?.parameters).toEqual([
      {
        name: 'sagaId',
        in: 'path',
        required: true,
        schema: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' },
      },
    ]);
    expect(paths['/sagas/{sagaId}/actions/{action}']?.post?.parameters).toContainEqual(
      expect.objectContaining({
        name: 'action',
        in: 'path',
        schema: {
          type: 'string',
          enum: ['retry-step', 'abort', 'resolve', 'retry-compensation'],
        },
      }),
    );

    // A body the schema requires, and what it requires.
    const start = paths['/sagas']?.post;
    expect(start?.requestBody?.required).toBe(true);
    expect(start?.requestBody?.content['application/json'].schema).toMatchObject({
      type: 'object',
      required: ['sagaType', 'input'],
      additionalProperties: false,
    });
    expect(Object.keys(start?.responses ?? {})).toEqual([
      '200',
      '201',
      '400',
      '401',
      '403',
      '404',
      '429',
      '503',
    ]);
    expect(start?.responses['429']?.description).toContain('SAGA_START_REFUSED');
    expect(start?.responses['429']?.description).toContain('RATE_LIMITED');
    expect(start?.responses['404']?.content).toEqual({
      'application/json': { schema: { $ref: '#/components/schemas/Error' } },
    });

    // Probes: no token, served while the instance starts; GET /ready's 503 is its report.
    expect(Object.keys(paths['/health']?.get?.responses ?? {})).toEqual(['200']);
    expect(paths['/ready']?.get?.responses['503']?.content).toEqual({ 'application/json': {} });
    expect(paths['/metrics']?.get?.responses['200']?.content).toEqual({
      'text/plain': { schema: { type: 'string' } },
    });
    expect(api.document.components.schemas.Error).toMatchObject({
      type: 'object',
      required: ['error'],
    });
  });
});

describe('buildOpenApiDocument', () => {
  it('documents a response schema and leaves out the routes without docs', () => {
    const document = buildOpenApiDocument(
      [
        {
          method: 'GET',
          url: '/things/:id',
          access: 'admin',
          probe: false,
          docs: {
            operationId: 'getThing',
            summary: 'One thing',
            params: z.strictObject({ id: z.string().describe('The id of the thing') }),
            responses: {
              200: { description: 'The thing', schema: z.object({ id: z.string() }) },
            },
          },
        },
        { method: 'GET', url: '/other', access: 'viewer', probe: false, docs: null },
      ],
      { version: '1.2.3', writeRateLimited: false },
    );

    expect(Object.keys(document.paths)).toEqual(['/things/{id}']);
    const operation = document.paths['/things/{id}']?.get;
    expect(operation?.parameters).toEqual([
      {
        name: 'id',
        in: 'path',
        required: true,
        description: 'The id of the thing',
        schema: { type: 'string' },
      },
    ]);
    expect(operation?.responses['200']).toEqual({
      description: 'The thing',
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: { id: { type: 'string' } },
            required: ['id'],
            additionalProperties: false,
          },
        },
      },
    });
    expect(document.info.version).toBe('1.2.3');
  });
});
