import { type FastifyInstance } from 'fastify';

import { type Authentication } from './authentication';
import { type ResolvedHttpApiDeps } from './http-api-deps';
import { type ResolvedHttpApiOptions } from './http-api-options';

/** What every route file registers its routes with. */
export interface RouteContext {
  readonly deps: ResolvedHttpApiDeps;
  readonly options: ResolvedHttpApiOptions;
  /** The caller of each request; the actor an action is recorded with. */
  readonly auth: Authentication;
}

/**
 * Registers one resource's routes on the API. Each route declares who may use it in
 * `config.access` (`public`, `viewer`, `operator` or `admin`).
 */
export type RegisterRoutes = (app: FastifyInstance, context: RouteContext) => void;
