import { type FastifyInstance } from 'fastify';

import { type ResolvedHttpApiDeps } from './http-api-deps';
import { type ResolvedHttpApiOptions } from './http-api-options';

/** What every route file registers its routes with. */
export interface RouteContext {
  readonly deps: ResolvedHttpApiDeps;
  readonly options: ResolvedHttpApiOptions;
}

/** Registers one resource's routes on the API. */
export type RegisterRoutes = (app: FastifyInstance, context: RouteContext) => void;
