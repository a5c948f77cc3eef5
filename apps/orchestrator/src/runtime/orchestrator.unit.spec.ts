import { DefinitionError, InvalidArgumentError } from '@sagaflow/core';

import { loadOrchestratorConfig } from '../config';
import { paymentSaga } from './__fixtures__/payment-saga';
import { createOrchestrator } from './orchestrator';

const config = loadOrchestratorConfig({ SAGAFLOW_SAGAS_MODULE: './sagas.js' });

describe('createOrchestrator', () => {
  it('refuses a definition registered twice, before opening any connection', () => {
    expect(() => createOrchestrator({ config, definitions: [paymentSaga, paymentSaga] })).toThrow(
      DefinitionError,
    );
  });

  it('refuses invalid options, naming them', () => {
    expect(() => createOrchestrator({ config, definitions: [], instanceId: 'a:b' })).toThrow(
      InvalidArgumentError,
    );
  });
});
