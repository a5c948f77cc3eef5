import { checkOptions, type Logger } from '@sagaflow/core';
import { type FastifyInstance, type FastifyRequest } from 'fastify';

import { type ApiRole, ApiTokenVerifier, roleAllows } from './api-tokens';
import { AccessDeniedError, UnauthenticatedError } from './errors';
import { type ResolvedHttpApiOptions } from './http-api-options';

/** Who may use a route: anyone (`public`), or a token of at least this role. */
export type RouteAccess = 'public' | ApiRole;

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Who may use the route. Every route declares it: adding one without it fails, so no
     * route is served without a decision.
     */
    access?: RouteAccess;
  }
}

/** The authenticated sender of a request: its token's name and role, never the token. */
export interface Caller {
  readonly name: string;
  readonly role: ApiRole;
}

/** What the routes and the request log read of a request's authentication. */
export interface Authentication {
  /** The request's caller: null for a public route, or a request without a valid token. */
  callerOf(request: FastifyRequest): Caller | null;
  /**
   * The actor recorded with an action: the name of the request's token.
   * @throws Error on a request without a caller (a public route): a wiring mistake.
   */
  actorOf(request: FastifyRequest): string;
}

/** Who every request is when authentication is off. */
const ANONYMOUS: Caller = { name: 'anonymous', role: 'admin' };

/** `Bearer <b64token>` (RFC 6750), the scheme in any case. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

const ACCESS_VALUES: readonly unknown[] = ['public', 'viewer', 'operator', 'admin'];

/**
 * Adds authentication and roles to the API: every route must declare `config.access`
 * (adding one without it throws), and a request to a route that is not `public` needs
 * `Authorization: Bearer <token>` naming a configured token (else 401 `UNAUTHENTICATED`)
 * whose role is at least the route's (else 403 `ACCESS_DENIED`). An unknown path needs a
 * valid token before it is answered 404, so that the routes cannot be probed. Logs once how
 * the API is protected: at warn when it is not (authentication off, or no token).
 *
 * @example
 * ```ts
 * const auth = registerAuthentication(app, options, logger);
 * app.post('/sagas', { config: { access: 'operator' } }, (request) => auth.actorOf(request));
 * ```
 */
export function registerAuthentication(
  app: FastifyInstance,
  options: ResolvedHttpApiOptions,
  logger: Logger,
): Authentication {
  const verifier = new ApiTokenVerifier(options.apiTokens);
  const callers = new WeakMap<FastifyRequest, Caller>();
  const off = options.authentication === 'off';

  if (off) {
    logger.warn(
      'API authentication is off: every route answers without a token, as admin "anonymous"; for local development only (SAGAFLOW_API_AUTH=off)',
      { authentication: 'off' },
    );
  } else if (verifier.size === 0) {
    logger.warn(
      'no API token is configured: every route but /health, /ready and /metrics answers 401',
      {
        howTo:
          'create one with `npm run token -- --name <name> --role <viewer|operator|admin>` ' +
          '(or `node apps/orchestrator/dist/token.js …`) and give its line to ' +
          'SAGAFLOW_API_TOKENS or SAGAFLOW_API_TOKENS_FILE',
      },
    );
  } else {
    logger.info('API authentication on', {
      actors: options.apiTokens.map(({ name, role }) => ({ name, role })),
      metricsPublic: options.metricsPublic,
    });
  }

  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (!ACCESS_VALUES.includes(access)) {
      const methods = Array.isArray(route.method) ? route.method.join(',') : route.method;
      checkOptions('createHttpApi', [
        [
          `route ${methods} ${route.url}: config.access`,
          access,
          false,
          "'public', 'viewer', 'operator' or 'admin'",
        ],
      ]);
    }
  });

  app.addHook('onRequest', (request, _reply, done) => {
    // Unknown paths (404) have no access of their own: any valid token.
    const access = request.routeOptions.config.access ?? 'viewer';
    if (access === 'public') {
      done();
      return;
    }
    if (off) {
      callers.set(request, ANONYMOUS);
      done();
      return;
    }
    const header = request.headers.authorization;
    if (header === undefined || header === '') {
      done(new UnauthenticatedError('missing'));
      return;
    }
    const presented = BEARER.exec(header)?.[1];
    if (presented === undefined) {
      done(new UnauthenticatedError('malformed'));
      return;
    }
    const token = verifier.verify(presented);
    if (token === undefined) {
      done(new UnauthenticatedError('unknown'));
      return;
    }
    const caller: Caller = { name: token.name, role: token.role };
    callers.set(request, caller);
    done(
      roleAllows(caller.role, access)
        ? undefined
        : new AccessDeniedError(
            caller.name,
            caller.role,
            access,
            `${request.method} ${request.routeOptions.url ?? request.url}`,
          ),
    );
  });

  const callerOf = (request: FastifyRequest): Caller | null => callers.get(request) ?? null;
  return {
    callerOf,
    actorOf: (request) => {
      const caller = callerOf(request);
      if (caller === null) {
        throw new Error(`${request.method} ${request.url} has no caller: is its route public?`);
      }
      return caller.name;
    },
  };
}

/** True for a method that changes something: what the write rate limit counts. */
export function isWriteMethod(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
}
