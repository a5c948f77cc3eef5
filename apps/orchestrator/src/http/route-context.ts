import { type FastifyInstance } from 'fastify';

import { type Authentication } from './authentication';
import { type ResolvedHttpApiDeps } from './http-api-deps';
import { type ResolvedHttpApiOptions } from './http-api-options';
import { type RouteCatalogue } from './openapi-document';

/** What every route file registers its routes with. */
export interface RouteContext {
  readonly deps: ResolvedHttpApiDeps;
  readonly options: ResolvedHttpApiOptions;
  /** The caller of each request; the actor an action is recorded with. */
  readonly auth: Authentication;
  /** Every route of the API as it is added: what `GET /openapi.json` documents. */
  readonly routes: RouteCatalogue;
}

/**
 * Registers one resource's routes on the API. Each route declares who may use it in
 * `config.access` (`public`, `viewer`, `operator` or `admin`) and what `GET /openapi.json`
 * tells of it in `config.docs` (`RouteDocs`).
 */
export type RegisterRoutes = (app: FastifyInstance, context: RouteContext) => void;
