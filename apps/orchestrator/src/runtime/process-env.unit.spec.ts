import { ConfigError } from '@sagaflow/config';

import { loadProcessEnv } from './process-env';

describe('loadProcessEnv', () => {
  it('reads the sagas module and the instance id', () => {
    expect(
      loadProcessEnv({ SAGAFLOW_SAGAS_MODULE: './dist/sagas.js', SAGAFLOW_INSTANCE_ID: 'pod-7' }),
    ).toEqual({ sagasModule: './dist/sagas.js', instanceId: 'pod-7' });
  });

  it('leaves the instance id to each process when it is unset or empty', () => {
    expect(loadProcessEnv({ SAGAFLOW_SAGAS_MODULE: 'sagas' }).instanceId).toBeNull();
    expect(
      loadProcessEnv({ SAGAFLOW_SAGAS_MODULE: 'sagas', SAGAFLOW_INSTANCE_ID: '' }).instanceId,
    ).toBeNull();
  });

  it('names each missing or bad variable', () => {
    const read = () => loadProcessEnv({ SAGAFLOW_INSTANCE_ID: 'pod 7' });

    expect(read).toThrow(ConfigError);
    expect(read).toThrow(/SAGAFLOW_SAGAS_MODULE=\(unset\): expected a non-empty string/);
    expect(read).toThrow(
      /SAGAFLOW_INSTANCE_ID="pod 7": expected 1 to 128 characters \[A-Za-z0-9._-\]/,
    );
  });
});
