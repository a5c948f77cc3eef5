import { InvalidArgumentError } from '@sagaflow/core';

import { createHttpApi } from './create-http-api';
import { type HttpApiDeps } from './http-api-deps';
import {
  createHttpApiFixture,
  type ErrorJson,
  type HttpApiFixture,
} from './__fixtures__/http-api-fixture';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('createHttpApi', () => {
  let fixture: HttpApiFixture;

  beforeEach(() => {
    fixture = createHttpApiFixture({ options: { bodyLimitBytes: 1024 } });
  });

  afterEach(async () => {
    await fixture.app.close();
  });

  const requestLines = () =>
    fixture.logger.lines.filter((line) => line.message === 'request completed');

  describe('request ids and request logging', () => {
    it("echoes the client's request id and logs one structured line per request, with the actor", async () => {
      const response = await fixture.inject({
        method: 'GET',
        url: '/sagas?limit=5',
        headers: { 'x-request-id': 'req-42' },
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers['x-request-id']).toBe('req-42');
      expect(requestLines()).toEqual([
        {
          level: 'info',
          message: 'request completed',
          fields: {
            requestId: 'req-42',
            method: 'GET',
            url: '/sagas?limit=5',
            route: '/sagas',
            statusCode: 200,
            durationMs: expect.any(Number) as unknown,
            actor: 'ops-ann',
          },
        },
      ]);
    });

    it('generates a request id when the client sends none or an unsafe one', async () => {
      const none = await fixture.inject({ method: 'GET', url: '/definitions' });
      expect(none.headers['x-request-id']).toMatch(UUID);
      const unsafe = await fixture.inject({
        method: 'GET',
        url: '/definitions',
        headers: { 'x-request-id': 'evil\u0001id with spaces' },
      });
      expect(unsafe.headers['x-request-id']).toMatch(UUID);
      expect(requestLines().map((line) => line.fields.requestId)).toEqual([
        none.headers['x-request-id'],
        unsafe.headers['x-request-id'],
      ]);
    });

    it('logs probes and scrapes at debug, and names the error code of a failed request', async () => {
      await fixture.inject({ method: 'GET', url: '/health' });
      await fixture.inject({ method: 'GET', url: '/sagas/saga-404' });
      expect(
        requestLines().map((line) => [line.level, line.fields.url, line.fields.errorCode]),
      ).toEqual([
        ['debug', '/health', undefined],
        ['info', '/sagas/saga-404', 'SAGA_NOT_FOUND'],
      ]);
    });
  });

  describe('errors', () => {
    it('answers 404 ROUTE_NOT_FOUND for an unknown route', async () => {
      const response = await fixture.inject({ method: 'DELETE', url: '/sagas?x=1' });
      expect(response.statusCode).toBe(404);
      expect(response.json<ErrorJson>().error).toEqual({
        code: 'ROUTE_NOT_FOUND',
        message: 'no route for DELETE /sagas',
      });
    });

    it('answers 400 for a body that is not JSON and for a malformed URL', async () => {
      const badJson = await fixture.inject({
        method: 'POST',
        url: '/sagas',
        headers: { 'content-type': 'application/json' },
        payload: '{"sagaType":',
      });
      expect(badJson.statusCode).toBe(400);
      expect(badJson.json<ErrorJson>().error.code).toBe('REQUEST_INVALID');

      const badUrl = await fixture.inject({ method: 'GET', url: '/sagas/%E0%A4%A' });
      expect(badUrl.statusCode).toBe(400);
      expect(badUrl.json<ErrorJson>().error.code).toBe('REQUEST_INVALID');
      expect(badUrl.headers['x-request-id']).toMatch(UUID);
    });

    it('answers 413 for a body over the limit and 415 for a body that is not JSON', async () => {
      const tooLarge = await fixture.inject({
        method: 'POST',
        url: '/sagas',
        payload: { sagaType: 'transfer', input: { note: 'x'.repeat(2_000) } },
      });
      expect(tooLarge.statusCode).toBe(413);
      expect(tooLarge.json<ErrorJson>().error.code).toBe('PAYLOAD_TOO_LARGE');

      const xml = await fixture.inject({
        method: 'POST',
        url: '/sagas',
        headers: { 'content-type': 'application/xml' },
        payload: '<saga/>',
      });
      expect(xml.statusCode).toBe(415);
      expect(xml.json<ErrorJson>().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(fixture.kit.eventStore.sagaIds()).toEqual([]);
    });

    it('answers 500 without internals for an unexpected error, and logs it with the request id', async () => {
      await fixture.app.close();
      const { sagas } = fixture.deps;
      fixture = createHttpApiFixture({
        deps: {
          sagas: {
            counts: () => sagas.counts(),
            stats: (query) => sagas.stats(query),
            timeline: (query) => sagas.timeline(query),
            list: () => Promise.reject(new Error("ER_NO_SUCH_TABLE: Table 'secret.saga_instance'")),
          },
        },
      });

      const response = await fixture.inject({
        method: 'GET',
        url: '/sagas',
        headers: { 'x-request-id': 'req-500' },
      });
      expect(response.statusCode).toBe(500);
      expect(response.json<ErrorJson>().error).toEqual({
        code: 'INTERNAL_ERROR',
        message: 'the request failed on the server; its logs name request req-500',
      });
      expect(response.body).not.toContain('secret');
      expect(fixture.logger.lines).toContainEqual(
        expect.objectContaining({
          level: 'error',
          message: 'request failed',
          fields: expect.objectContaining({
            requestId: 'req-500',
            statusCode: 500,
            error: expect.objectContaining({
              message: "ER_NO_SUCH_TABLE: Table 'secret.saga_instance'",
            }) as unknown,
          }) as unknown,
        }),
      );
    });
  });

  describe('options and ports', () => {
    const deps = (): HttpApiDeps => fixture.deps;

    it('rejects bad options, naming each field and value', () => {
      expect(() =>
        createHttpApi(deps(), {
          bodyLimitBytes: 10,
          readyCheckTimeoutMs: 0,
          requestIdHeader: 'X Id',
        }),
      ).toThrow(
        'createHttpApi: invalid options: bodyLimitBytes=10 (expected an integer from 1024 to 67108864); ' +
          'readyCheckTimeoutMs=0 (expected an integer from 10 to 60000); ' +
          'requestIdHeader="X Id" (expected a lower-case header name)',
      );
      expect(() => createHttpApi(deps(), { quietPaths: ['health'] })).toThrow(InvalidArgumentError);
    });

    it('rejects a port without its methods, naming it', () => {
      const broken = {
        ...deps(),
        sagas: { list: () => Promise.resolve({ items: [], nextCursor: null }) },
      };
      expect(() => createHttpApi(broken as unknown as HttpApiDeps)).toThrow(
        'sagas={"missing":["counts()","stats()","timeline()"]} ' +
          '(expected an object with list(), counts(), stats(), timeline())',
      );
      expect(() =>
        createHttpApi({ ...deps(), healthChecks: [{ name: '', check: () => Promise.resolve() }] }),
      ).toThrow('healthChecks');
    });
  });
});
