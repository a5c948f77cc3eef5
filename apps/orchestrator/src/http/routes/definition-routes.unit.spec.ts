import { type DefinitionGraph } from '@sagaflow/core';

import { type DefinitionView } from './definition-routes';
import {
  createHttpApiFixture,
  type ErrorJson,
  type HttpApiFixture,
} from '../__fixtures__/http-api-fixture';

describe('definition routes', () => {
  let fixture: HttpApiFixture;

  beforeEach(() => {
    fixture = createHttpApiFixture();
  });

  afterEach(async () => {
    await fixture.app.close();
  });

  it('GET /definitions lists name, version, description and steps', async () => {
    const response = await fixture.inject({ method: 'GET', url: '/definitions' });
    expect(response.statusCode).toBe(200);
    const { items } = response.json<{ items: DefinitionView[] }>();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      name: 'transfer',
      version: 1,
      description: 'Moves money from one account to another.',
    });
    expect(items[0]?.steps).toEqual([
      expect.objectContaining({
        name: 'debit',
        kind: 'compensatable',
        participant: 'ledger',
        command: 'Debit',
        compensation: expect.objectContaining({ command: 'Refund' }) as unknown,
      }),
      expect.objectContaining({ name: 'credit', kind: 'pivot', compensation: null }),
    ]);
  });

  it('GET /definitions/:name/:version/graph answers the JSON graph by default', async () => {
    const response = await fixture.inject({
      method: 'GET',
      url: '/definitions/transfer/1/graph',
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const graph = response.json<DefinitionGraph>();
    expect(graph).toMatchObject({ name: 'transfer', version: 1 });
    expect(graph.edges).toContainEqual({
      from: 'step:debit',
      to: 'step:credit',
      type: 'forward',
    });
    expect(graph.edges).toContainEqual({
      from: 'step:debit',
      to: 'end:compensated',
      type: 'compensation',
    });
  });

  it('?format=mermaid answers the flowchart as text/plain', async () => {
    const response = await fixture.inject({
      method: 'GET',
      url: '/definitions/transfer/1/graph?format=mermaid',
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(response.body.startsWith('flowchart TD\n')).toBe(true);
    expect(response.body).toContain('class step_credit pivot');
  });

  it('answers 404 for an unknown definition and 400 for a bad version or format', async () => {
    const unknown = await fixture.inject({
      method: 'GET',
      url: '/definitions/transfer/2/graph',
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json<ErrorJson>().error.code).toBe('SAGA_TYPE_UNKNOWN');

    const badVersion = await fixture.inject({
      method: 'GET',
      url: '/definitions/transfer/zero/graph?format=svg',
    });
    expect(badVersion.statusCode).toBe(400);
    expect(badVersion.json<ErrorJson>().error.details?.issues).toEqual([
      expect.stringMatching(/^params\.version: /),
    ]);

    const badFormat = await fixture.inject({
      method: 'GET',
      url: '/definitions/transfer/1/graph?format=svg',
    });
    expect(badFormat.statusCode).toBe(400);
    expect(badFormat.json<ErrorJson>().error.details?.issues).toEqual([
      expect.stringMatching(/^query\.format: /),
    ]);
  });
});
