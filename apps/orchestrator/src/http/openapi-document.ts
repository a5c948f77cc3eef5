import { type FastifyInstance } from 'fastify';
import { z } from 'zod';

import { isWriteMethod, type RouteAccess } from './authentication';

/**
 * What a route tells about itself in `GET /openapi.json`, declared in its config next to
 * `access`. The request schemas are the very zod schemas the handler gives `parseRequest`:
 * the document cannot drift from what the route validates.
 *
 * @example
 * ```ts
 * const get: RouteShorthandOptions = {
 *   config: {
 *     access: 'viewer',
 *     docs: {
 *       operationId: 'getSaga',
 *       summary: 'One saga: its state and every step of its definition',
 *       tags: ['sagas'],
 *       params: sagaParamsSchema,
 *       responses: { 200: 'The saga', 404: '`SAGA_NOT_FOUND`' },
 *     },
 *   },
 * };
 * app.get('/sagas/:sagaId', get, async (request) => {
 *   const { sagaId } = parseRequest(sagaParamsSchema, request.params, 'params');
 *   // …
 * });
 * ```
 */
export interface RouteDocs {
  /** Unique across the API: the name client generators give the call (`getSaga`). */
  readonly operationId: string;
  /** One line. */
  readonly summary: string;
  /** More, in CommonMark. */
  readonly description?: string;
  /** The groups the operation is listed under (`sagas`, `dead-letters`, …). */
  readonly tags?: readonly string[];
  /** The path parameters' schema, an object: one parameter per property. */
  readonly params?: z.ZodType;
  /** The query's schema, an object: one parameter per property. */
  readonly query?: z.ZodType;
  /** The request headers the route reads, an object: one parameter per property. */
  readonly headers?: z.ZodType;
  /** The JSON body's schema; the body is optional when the schema accepts none. */
  readonly body?: z.ZodType;
  /**
   * The answers the route gives, by status: a description, or a {@link ResponseDocs}. The
   * answers every route of its kind gives (400 for invalid input, 401 and 403 without the
   * role, 429 past the write limit, 503 while starting) are added.
   */
  readonly responses: Readonly<Record<number, string | ResponseDocs>>;
}

/** One answer of a route, as {@link RouteDocs.responses} describes it. */
export interface ResponseDocs {
  readonly description: string;
  /** The body's schema (its output). */
  readonly schema?: z.ZodType;
  /**
   * The body is the API's error body, `{ error: { code, message, details? } }`, when
   * {@link schema} is absent.
   * @defaultValue true for a status of 400 and above
   */
  readonly error?: boolean;
  /** @defaultValue `['application/json']` */
  readonly contentTypes?: readonly string[];
  /** Headers the answer carries, by name: their description. */
  readonly headers?: Readonly<Record<string, string>>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * What `GET /openapi.json` tells of the route. A route without it is left out of the
     * document (and fails the test that every route is documented).
     */
    docs?: RouteDocs;
  }
}

/** A route as the API registered it: what the OpenAPI document is built from. */
export interface CataloguedRoute {
  /** `GET`, `POST`, …; never `HEAD` (fastify adds one to every `GET`). */
  readonly method: string;
  /** Fastify's form: `/sagas/:sagaId`. */
  readonly url: string;
  readonly access: RouteAccess;
  readonly docs: RouteDocs | null;
  /** Served while the instance starts: never answered 503 `SERVICE_STARTING`. */
  readonly probe: boolean;
}

/** Every route of an API, filled in as the routes are added. */
export interface RouteCatalogue {
  readonly routes: readonly CataloguedRoute[];
}

/**
 * Records every route added to `app` from now on (its method, URL, access and docs), in
 * the order they are added. Call it before the routes are registered.
 *
 * @param probePaths the paths answered while the instance starts.
 *
 * @example
 * ```ts
 * const catalogue = catalogueRoutes(app, new Set(['/health', '/ready', '/metrics']));
 * await app.ready();
 * buildOpenApiDocument(catalogue.routes, { version: '1.0.0', writeRateLimited: true });
 * ```
 */
export function catalogueRoutes(
  app: FastifyInstance,
  probePaths: ReadonlySet<string>,
): RouteCatalogue {
  const routes: CataloguedRoute[] = [];
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    // A route without access is refused by authentication's own onRoute hook.
    if (access === undefined) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      routes.push({
        method,
        url: route.url,
        access,
        docs: route.config?.docs ?? null,
        probe: probePaths.has(route.url),
      });
    }
  });
  return { routes };
}

/** A JSON Schema (2020-12, as OpenAPI 3.1 takes it). */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** An OpenAPI 3.1 parameter object. */
export interface OpenApiParameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required: boolean;
  readonly description?: string;
  readonly schema: JsonSchema;
}

/** An OpenAPI 3.1 response object. */
export interface OpenApiResponse {
  readonly description: string;
  readonly headers?: Readonly<
    Record<string, { readonly description: string; readonly schema: JsonSchema }>
  >;
  readonly content?: Readonly<Record<string, { readonly schema?: JsonSchema }>>;
}

/** An OpenAPI 3.1 operation object, with the route's access as `x-sagaflow-access`. */
export interface OpenApiOperation {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly parameters?: readonly OpenApiParameter[];
  readonly requestBody?: {
    readonly required: boolean;
    readonly content: { readonly 'application/json': { readonly schema: JsonSchema } };
  };
  readonly responses: Readonly<Record<string, OpenApiResponse>>;
  /** `[]` for a public route. */
  readonly security: readonly Readonly<Record<string, readonly string[]>>[];
  readonly 'x-sagaflow-access': RouteAccess;
}

/** An OpenAPI 3.1 document. */
export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly info: {
    readonly title: string;
    readonly version: string;
    readonly description: string;
    readonly license: { readonly name: string; readonly identifier: string };
  };
  readonly tags: readonly { readonly name: string }[];
  /** By path (`/sagas/{sagaId}`), then by lower-case method. */
  readonly paths: Readonly<Record<string, Readonly<Record<string, OpenApiOperation>>>>;
  readonly components: {
    readonly schemas: Readonly<Record<string, JsonSchema>>;
    readonly securitySchemes: Readonly<Record<string, JsonSchema>>;
  };
}

/** What {@link buildOpenApiDocument} needs besides the routes. */
export interface OpenApiDocumentOptions {
  /** `info.version`: the orchestrator's version. */
  readonly version: string;
  /** Writes are limited per token: they may be answered 429 `RATE_LIMITED`. */
  readonly writeRateLimited: boolean;
}

const ERROR_SCHEMA_NAME = 'Error';
const SECURITY_SCHEME_NAME = 'bearerAuth';

/** `{ error: { code, message, details? } }`: the body of every error (`ErrorBody`). */
const errorBodySchema = z.strictObject({
  error: z.strictObject({
    code: z.string().meta({
      description: 'The stable code of the error: `SAGA_NOT_FOUND`, `REQUEST_INVALID`, …',
    }),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional().meta({
      description: 'What the client needs to fix the request, e.g. `{ issues: [...] }`',
    }),
  }),
});

/** Answers that a route gives by its kind, added to what it declares. */
const INVALID: ResponseDocs = {
  description:
    '`REQUEST_INVALID`: a path parameter, the query, a header or the body is invalid; `details.issues` names each problem',
};
const UNAUTHENTICATED: ResponseDocs = {
  description: '`UNAUTHENTICATED`: no valid API token was sent',
  headers: { 'WWW-Authenticate': 'The scheme to authenticate with: `Bearer`' },
};
const ACCESS_DENIED: ResponseDocs = {
  description: "`ACCESS_DENIED`: the token's role is below the route's (`x-sagaflow-access`)",
};
const RATE_LIMITED: ResponseDocs = {
  description: '`RATE_LIMITED`: the token sent more writes in the last minute than the limit',
  headers: { 'Retry-After': 'Seconds to wait' },
};
const SERVICE_STARTING: ResponseDocs = {
  description: '`SERVICE_STARTING`: the instance is starting; try again',
  headers: { 'Retry-After': 'Seconds to wait' },
};

const HEADER_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  'Retry-After': { type: 'integer', minimum: 1 },
};

/**
 * Builds the OpenAPI 3.1 document of the routes that declare {@link RouteDocs} (the others
 * are left out): paths in OpenAPI's form (`/sagas/{sagaId}`), one parameter per property of
 * the params, query and headers schemas (optional, with its default, when it has one), the
 * body's schema, every answer (the route's and those of its kind), bearer security by the
 * route's access (`security: []` for a public route) and the access as
 * `x-sagaflow-access`. Schemas are the zod schemas' input side (JSON Schema 2020-12), so
 * defaults and coerced values read as a client sends them.
 *
 * @example
 * ```ts
 * const document = buildOpenApiDocument(catalogue.routes, {
 *   version: '0.1.0',
 *   writeRateLimited: true,
 * });
 * document.paths['/sagas/{sagaId}']?.get?.security; // [{ bearerAuth: [] }]
 * ```
 */
export function buildOpenApiDocument(
  routes: readonly CataloguedRoute[],
  options: OpenApiDocumentOptions,
): OpenApiDocument {
  const paths: Record<string, Record<string, OpenApiOperation>> = {};
  const tags = new Set<string>();
  for (const route of routes) {
    if (route.docs === null) continue;
    const path = toOpenApiPath(route.url);
    const operations = (paths[path] ??= {});
    operations[route.method.toLowerCase()] = toOperation(route, route.docs, options);
    for (const tag of route.docs.tags ?? []) tags.add(tag);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sagaflow orchestrator API',
      version: options.version,
      description:
        "The orchestrator's status and admin API: start sagas and follow them, act on them as an operator, read definitions, statistics, dead letters and FAILED EventProcess records. JSON; every error is `{ error: { code, message, details? } }`. Send an API token as `Authorization: Bearer <token>`; each operation names the least role it needs in `x-sagaflow-access` (`viewer` < `operator` < `admin`; `public` needs none).",
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    tags: [...tags].map((name) => ({ name })),
    paths,
    components: {
      schemas: { [ERROR_SCHEMA_NAME]: toJsonSchema(errorBodySchema, 'output') },
      securitySchemes: {
        [SECURITY_SCHEME_NAME]: {
          type: 'http',
          scheme: 'bearer',
          description:
            "An API token of the orchestrator (`npm run token`); its role must be at least the operation's `x-sagaflow-access`.",
        },
      },
    },
  };
}

function toOperation(
  route: CataloguedRoute,
  docs: RouteDocs,
  options: OpenApiDocumentOptions,
): OpenApiOperation {
  const parameters = [
    ...pathParameters(route.url, docs.params),
    ...objectParameters(docs.query, 'query'),
    ...objectParameters(docs.headers, 'header'),
  ];
  const hasInput = [docs.params, docs.query, docs.headers, docs.body].some(
    (schema) => schema !== undefined,
  );
  const authenticated = route.access !== 'public';
  const kindResponses: [number, ResponseDocs][] = [];
  if (hasInput) kindResponses.push([400, INVALID]);
  if (authenticated) kindResponses.push([401, UNAUTHENTICATED], [403, ACCESS_DENIED]);
  if (authenticated && options.writeRateLimited && isWriteMethod(route.method)) {
    kindResponses.push([429, RATE_LIMITED]);
  }
  if (!route.probe) kindResponses.push([503, SERVICE_STARTING]);
  return {
    operationId: docs.operationId,
    summary: docs.summary,
    ...(docs.description === undefined ? {} : { description: docs.description }),
    ...(docs.tags === undefined ? {} : { tags: docs.tags }),
    ...(parameters.length === 0 ? {} : { parameters }),
    ...(docs.body === undefined
      ? {}
      : {
          requestBody: {
            // A schema that accepts no body (`.prefault({})`, `.optional()`) makes it optional.
            required: !docs.body.safeParse(undefined).success,
            content: { 'application/json': { schema: toJsonSchema(docs.body, 'input') } },
          },
        }),
    responses: toResponses(docs.responses, kindResponses),
    security: authenticated ? [{ [SECURITY_SCHEME_NAME]: [] }] : [],
    'x-sagaflow-access': route.access,
  };
}

/** `/sagas/:sagaId/actions/:action` → `/sagas/{sagaId}/actions/{action}`. */
function toOpenApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function pathParameters(url: string, schema: z.ZodType | undefined): OpenApiParameter[] {
  const { properties } = objectSchema(schema);
  return [...url.matchAll(/:([A-Za-z0-9_]+)/g)].map(([, name = '']) =>
    toParameter(name, 'path', true, properties[name] ?? { type: 'string' }),
  );
}

function objectParameters(
  schema: z.ZodType | undefined,
  location: 'query' | 'header',
): OpenApiParameter[] {
  const { properties, required } = objectSchema(schema);
  return Object.entries(properties).map(([name, property]) =>
    toParameter(name, location, required.has(name), property),
  );
}

function toParameter(
  name: string,
  location: OpenApiParameter['in'],
  required: boolean,
  property: JsonSchema,
): OpenApiParameter {
  // The description reads better on the parameter, where renderers show it.
  const { description, ...schema } = property;
  return {
    name,
    in: location,
    required,
    ...(typeof description === 'string' ? { description } : {}),
    schema,
  };
}

/** An object schema's properties (input side) and the names it requires. */
function objectSchema(schema: z.ZodType | undefined): {
  properties: Readonly<Record<string, JsonSchema>>;
  required: ReadonlySet<string>;
} {
  if (schema === undefined) return { properties: {}, required: new Set() };
  const json = toJsonSchema(schema, 'input');
  const properties = isRecord(json.properties) ? json.properties : {};
  return {
    properties: Object.fromEntries(
      Object.entries(properties).flatMap(([name, property]) =>
        isRecord(property) ? [[name, property]] : [],
      ),
    ),
    required: new Set(
      Array.isArray(json.required)
        ? json.required.filter((name): name is string => typeof name === 'string')
        : [],
    ),
  };
}

function toResponses(
  declared: RouteDocs['responses'],
  kind: readonly (readonly [number, ResponseDocs])[],
): Record<string, OpenApiResponse> {
  const byStatus = new Map<number, ResponseDocs>(
    Object.entries(declared).map(([status, response]) => [
      Number(status),
      typeof response === 'string' ? { description: response } : response,
    ]),
  );
  for (const [status, response] of kind) {
    const own = byStatus.get(status);
    byStatus.set(
      status,
      own === undefined
        ? response
        : {
            ...own,
            description: `${own.description}; or ${response.description}`,
            headers: { ...response.headers, ...own.headers },
          },
    );
  }
  return Object.fromEntries(
    [...byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, response]) => [String(status), toResponse(status, response)]),
  );
}

function toResponse(status: number, response: ResponseDocs): OpenApiResponse {
  const schema =
    response.schema !== undefined
      ? toJsonSchema(response.schema, 'output')
      : (response.error ?? status >= 400)
        ? { $ref: `#/components/schemas/${ERROR_SCHEMA_NAME}` }
        : undefined;
  const headers = Object.entries(response.headers ?? {});
  return {
    description: response.description,
    ...(headers.length === 0
      ? {}
      : {
          headers: Object.fromEntries(
            headers.map(([name, description]) => [
              name,
              { description, schema: HEADER_SCHEMAS[name] ?? { type: 'string' } },
            ]),
          ),
        }),
    content: Object.fromEntries(
      (response.contentTypes ?? ['application/json']).map((type) => [
        type,
        schema !== undefined
          ? { schema }
          : type.startsWith('text/')
            ? { schema: { type: 'string' } }
            : {},
      ]),
    ),
  };
}

/** A zod schema as JSON Schema 2020-12, without `$schema` (the document's dialect rules). */
function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  // Input side: what a client sends (a default makes a field optional; coerced numbers are
  // numbers). Types JSON Schema cannot say (a transform's output, say) read as any value.
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  });
  return json;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
