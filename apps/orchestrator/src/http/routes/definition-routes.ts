import { type AnySagaDefinition, type GraphStepNode, toGraph, toMermaid } from '@sagaflow/core';
import { type RouteShorthandOptions } from 'fastify';
import { z } from 'zod';

import { parseRequest } from '../parse-request';
import { nameSchema } from '../request-schemas';
import { type RegisterRoutes } from '../route-context';

/** A step as `GET /definitions` lists it: its graph node without the graph's id. */
export type DefinitionStepView = Omit<GraphStepNode, 'id' | 'type'>;

/** A definition as `GET /definitions` lists it. */
export interface DefinitionView {
  readonly name: string;
  readonly version: number;
  readonly description: string | null;
  /** In execution order (a parallel group's branches in declaration order). */
  readonly steps: readonly DefinitionStepView[];
}

const graphParamsSchema = z.strictObject({
  name: nameSchema,
  version: z.coerce.number().int().min(1),
});

const graphQuerySchema = z.strictObject({
  format: z.enum(['json', 'mermaid']).default('json'),
});

/**
 * `GET /definitions` (every registered name and version, with its steps) and
 * `GET /definitions/:name/:version/graph?format=json|mermaid` (the step graph as JSON, or
 * as a Mermaid flowchart in `text/plain`); both need `viewer`.
 */
export const registerDefinitionRoutes: RegisterRoutes = (app, { deps }) => {
  const list: RouteShorthandOptions = {
    config: {
      access: 'viewer',
      docs: {
        operationId: 'listDefinitions',
        summary: 'Every registered saga definition, each version, with its steps',
        tags: ['definitions'],
        responses: { 200: '`{ items: [{ name, version, description, steps }] }`' },
      },
    },
  };
  app.get('/definitions', list, () => ({ items: deps.definitions.list().map(toDefinitionView) }));

  const graph: RouteShorthandOptions = {
    config: {
      access: 'viewer',
      docs: {
        operationId: 'getDefinitionGraph',
        summary: "A definition's step graph, as JSON or as a Mermaid flowchart",
        tags: ['definitions'],
        params: graphParamsSchema,
        query: graphQuerySchema,
        responses: {
          200: {
            description: 'The graph: JSON (`format=json`), or Mermaid text (`format=mermaid`)',
            contentTypes: ['application/json', 'text/plain'],
          },
          404: '`SAGA_TYPE_UNKNOWN`: no definition of that name and version',
        },
      },
    },
  };
  app.get('/definitions/:name/:version/graph', graph, (request, reply) => {
    const { name, version } = parseRequest(graphParamsSchema, request.params, 'params');
    const { format } = parseRequest(graphQuerySchema, request.query, 'query');
    const definition = deps.definitions.get(name, version);
    if (format === 'json') return toGraph(definition);
    return reply.type('text/plain; charset=utf-8').send(toMermaid(definition));
  });
};

function toDefinitionView(definition: AnySagaDefinition): DefinitionView {
  const steps = toGraph(definition).nodes.flatMap((node) => {
    if (node.type !== 'step') return [];
    const { id: _id, type: _type, ...step } = node;
    return [step];
  });
  return {
    name: definition.name,
    version: definition.version,
    description: definition.description,
    steps,
  };
}
