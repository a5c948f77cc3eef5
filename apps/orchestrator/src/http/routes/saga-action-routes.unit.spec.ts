import { type SagaView } from '../saga-view';
import {
  createHttpApiFixture,
  type ErrorJson,
  type FixtureTokenName,
  type HttpApiFixture,
} from '../__fixtures__/http-api-fixture';

const input = { from: 'alice', to: 'bob', amount: 30 };
const overLimit = { ...input, amount: 500 };

describe('POST /sagas/:sagaId/actions/:action', () => {
  let fixture: HttpApiFixture;

  beforeEach(() => {
    fixture = createHttpApiFixture();
  });

  afterEach(async () => {
    await fixture.app.close();
  });

  const act = (sagaId: string, action: string, payload: object, as: FixtureTokenName = 'ops-ann') =>
    fixture.inject(
      {
        method: 'POST',
        url: `/sagas/${sagaId}/actions/${action}`,
        payload,
        headers: { 'x-request-id': 'req-ops-1' },
      },
      as,
    );

  /** Starts a saga whose refund keeps failing: it parks in COMPENSATION_FAILED. */
  const parkedSaga = async (): Promise<string> => {
    fixture.kit.faults('ledger', 'Refund').failAlways({ kind: 'technical', code: 'LEDGER_DOWN' });
    const { sagaId } = await fixture.kit.start('transfer', overLimit);
    await fixture.kit.runUntilIdle();
    expect(fixture.kit.state(sagaId).status).toBe('COMPENSATION_FAILED');
    return sagaId;
  };

  it('abort: compensates a running saga and records who (the token) and why', async () => {
    const { sagaId } = await fixture.kit.start('transfer', input);

    const response = await act(sagaId, 'abort', { reason: 'customer cancelled' });
    expect(response.statusCode).toBe(200);
    expect(response.json<SagaView>()).toMatchObject({
      sagaId,
      status: 'COMPENSATING',
      failure: { step: null, code: 'ABORTED' },
    });
    await fixture.kit.runUntilIdle();
    expect(fixture.kit.state(sagaId).status).toBe('COMPENSATED');
    expect(fixture.kit.history(sagaId)).toContainEqual(
      expect.objectContaining({
        type: 'OperatorActionRecorded',
        action: 'abort',
        actor: 'ops-ann',
        reason: 'customer cancelled',
        step: null,
      }),
    );
    expect(fixture.logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'info',
        message: 'operator action applied',
        fields: expect.objectContaining({
          requestId: 'req-ops-1',
          sagaId,
          action: 'abort',
          actor: 'ops-ann',
        }) as unknown,
      }),
    );
  });

  it('retry-step: dispatches a new attempt of the step in flight', async () => {
    const { sagaId } = await fixture.kit.start('transfer', input);

    const response = await act(sagaId, 'retry-step', {
      reason: 'ledger restarted',
      step: 'debit',
    });
    expect(response.statusCode).toBe(200);
    const view = response.json<SagaView>();
    expect(view.steps.find((step) => step.name === 'debit')).toMatchObject({
      status: 'RUNNING',
      attempt: 2,
    });
    await fixture.kit.runUntilIdle();
    expect(fixture.kit.state(sagaId).status).toBe('COMPLETED');
    expect(fixture.balances.get('alice')).toBe(-30);
  });

  it('retry-compensation: runs a parked compensation again', async () => {
    const sagaId = await parkedSaga();
    fixture.kit.faults('ledger', 'Refund').reset();

    const response = await act(sagaId, 'retry-compensation', {
      reason: 'ledger is back',
    });
    expect(response.statusCode).toBe(200);
    expect(response.json<SagaView>().status).toBe('COMPENSATING');
    await fixture.kit.runUntilIdle();
    expect(fixture.kit.state(sagaId).status).toBe('COMPENSATED');
    expect(fixture.balances.get('alice')).toBe(0);
  });

  it('resolve: an operator undid the step by hand', async () => {
    const sagaId = await parkedSaga();

    const response = await act(
      sagaId,
      'resolve',
      { reason: 'refunded by hand, ticket 42', step: 'debit' },
      'ops-bob',
    );
    expect(response.statusCode).toBe(200);
    const view = response.json<SagaView>();
    expect(view.status).toBe('COMPENSATED');
    expect(view.steps.find((step) => step.name === 'debit')?.status).toBe('COMPENSATED');
    expect(fixture.kit.history(sagaId)).toContainEqual(
      expect.objectContaining({
        type: 'OperatorActionRecorded',
        action: 'resolve',
        actor: 'ops-bob',
      }),
    );
  });

  it('answers 409 ACTION_NOT_ALLOWED for an action the state refuses, and records nothing', async () => {
    const { sagaId } = await fixture.kit.start('transfer', input);
    await fixture.kit.runUntilIdle();
    const eventsBefore = fixture.kit.history(sagaId).length;

    const response = await act(sagaId, 'abort', { reason: 'too late' });
    expect(response.statusCode).toBe(409);
    expect(response.json<ErrorJson>().error.code).toBe('ACTION_NOT_ALLOWED');
    expect(fixture.kit.history(sagaId)).toHaveLength(eventsBefore);
  });

  it('with expectedVersion acts once: a second click on the same view is answered 409 SAGA_VERSION_MOVED', async () => {
    const sagaId = await parkedSaga();
    const seen = fixture.kit.state(sagaId).version;
    const click = () =>
      act(sagaId, 'retry-compensation', { reason: 'ledger is back', expectedVersion: seen });

    expect((await click()).statusCode).toBe(200);
    const eventsAfterFirst = fixture.kit.history(sagaId).length;
    const second = await click();
    expect(second.statusCode).toBe(409);
    expect(second.json<ErrorJson>().error).toMatchObject({
      code: 'SAGA_VERSION_MOVED',
      message: `saga '${sagaId}' is at version ${eventsAfterFirst}, not ${seen}: it changed since it was read`,
    });
    expect(fixture.kit.history(sagaId)).toHaveLength(eventsAfterFirst);

    const invalid = await act(sagaId, 'abort', { reason: 'x', expectedVersion: 0 });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json<ErrorJson>().error.details?.issues).toEqual([
      expect.stringMatching(/^body\.expectedVersion: /),
    ]);
  });

  it('answers 404 for an unknown saga, and 400 for an unknown action, an actor in the body or no reason', async () => {
    const missing = await act('saga-9', 'abort', { reason: 'why not' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json<ErrorJson>().error.code).toBe('SAGA_NOT_FOUND');

    const { sagaId } = await fixture.kit.start('transfer', input);
    const unknownAction = await act(sagaId, 'delete', { reason: 'why not' });
    expect(unknownAction.statusCode).toBe(400);
    expect(unknownAction.json<ErrorJson>().error.details?.issues).toEqual([
      expect.stringMatching(/^params\.action: /),
    ]);

    const withActor = await act(sagaId, 'abort', { actor: 'ops-bob', reason: '' });
    expect(withActor.statusCode).toBe(400);
    expect(withActor.json<ErrorJson>().error.details?.issues).toEqual([
      'body.actor: not accepted: the actor recorded is the name of the API token that sent the request',
      expect.stringMatching(/^body\.reason: /),
    ]);
    expect(fixture.kit.state(sagaId).status).toBe('RUNNING');
  });
});
