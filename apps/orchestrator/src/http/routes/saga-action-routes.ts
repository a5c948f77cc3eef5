import { type OperatorActionName } from '@sagaflow/core';
import { type RouteShorthandOptions } from 'fastify';
import { z } from 'zod';

import { committedState } from '../committed-state';
import { parseRequest } from '../parse-request';
import { requestLogger } from '../request-logging';
import { nameSchema, noActorSchema, reasonSchema, sagaIdSchema } from '../request-schemas';
import { type RegisterRoutes } from '../route-context';
import { toSagaView } from '../saga-view';

const ACTIONS = [
  'retry-step',
  'abort',
  'resolve',
  'retry-compensation',
] as const satisfies readonly OperatorActionName[];

const actionParamsSchema = z.strictObject({ sagaId: sagaIdSchema, action: z.enum(ACTIONS) });

const actionBodySchema = z.strictObject({
  actor: noActorSchema,
  reason: reasonSchema,
  step: nameSchema.optional(),
  expectedVersion: z.number().int().min(1).optional(),
});

/**
 * `POST /sagas/:sagaId/actions/:action` with `{ reason, step?, expectedVersion? }`
 * (`operator`): an operator's `retry-step`, `abort`, `resolve` or `retry-compensation`. The
 * engine records it as an event with who (the API token's name) and why; the answer is the
 * saga's new view. An action the saga's state does not allow is answered 409
 * `ACTION_NOT_ALLOWED`; with `expectedVersion` (the `version` of the view the operator acted
 * on), a saga that moved since is answered 409 `SAGA_VERSION_MOVED` and nothing is done —
 * two clicks on one view act once.
 */
export const registerSagaActionRoutes: RegisterRoutes = (app, { deps, auth }) => {
  const act: RouteShorthandOptions = {
    config: {
      access: 'operator',
      docs: {
        operationId: 'actOnSaga',
        summary: "An operator's action on a saga, recorded with who and why",
        description:
          '`retry-step`, `abort`, `resolve` or `retry-compensation`. With `expectedVersion` (the `version` of the view the operator acted on), a saga that moved since is left as it is.',
        tags: ['sagas'],
        params: actionParamsSchema,
        body: actionBodySchema,
        responses: {
          200: "The saga's new view",
          404: '`SAGA_NOT_FOUND`',
          409: "`ACTION_NOT_ALLOWED`: the saga's state does not allow the action; or `SAGA_VERSION_MOVED`: the saga moved past `expectedVersion`, and nothing was done",
        },
      },
    },
  };
  app.post('/sagas/:sagaId/actions/:action', act, async (request) => {
    const { sagaId, action } = parseRequest(actionParamsSchema, request.params, 'params');
    const { reason, step, expectedVersion } = parseRequest(actionBodySchema, request.body, 'body');
    const actor = auth.actorOf(request);
    const log = requestLogger(deps.logger, request);
    const state = await deps.engine
      .act(sagaId, {
        action,
        actor,
        reason,
        ...(step === undefined ? {} : { step }),
        ...(expectedVersion === undefined ? {} : { expectedVersion }),
      })
      .catch((error: unknown) => committedState(error, deps.engine, log));
    log.info('operator action applied', {
      sagaId,
      sagaType: state.sagaType,
      action,
      actor,
      reason,
      step: step ?? null,
      status: state.status,
    });
    return toSagaView(state, deps.definitions);
  });
};
