import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { paymentSaga } from './__fixtures__/payment-saga';
import { SagasModuleError } from './errors';
import { definitionsFromModule, loadSagasModule } from './load-sagas-module';

/** Jest's own module loader, so the TypeScript fixture is transformed like any spec import. */
const jestImport = (url: string): Promise<unknown> =>
  Promise.resolve(jest.requireActual<object>(fileURLToPath(url)));

function errorOf(run: () => unknown): SagasModuleError {
  try {
    run();
  } catch (error: unknown) {
    if (error instanceof SagasModuleError) return error;
    throw error;
  }
  throw new Error('expected a SagasModuleError');
}

describe('definitionsFromModule', () => {
  it('returns the definitions export', () => {
    expect(definitionsFromModule('./sagas', { definitions: [paymentSaga] })).toEqual([paymentSaga]);
  });

  it('finds definitions under default, as a CommonJS module imported from ES code has them', () => {
    expect(definitionsFromModule('./sagas', { default: { definitions: [paymentSaga] } })).toEqual([
      paymentSaga,
    ]);
  });

  it('names the variable, the module and what it exports when definitions is missing', () => {
    const error = errorOf(() =>
      definitionsFromModule('./sagas.js', { paymentSaga, default: { helper: 1 } }),
    );

    expect(error.code).toBe('SAGAS_MODULE_INVALID');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      `SAGAFLOW_SAGAS_MODULE="./sagas.js": the module must export 'definitions' (an array of saga definitions); it exports 'paymentSaga', 'default', 'default.helper'`,
    );
  });

  it('says what was found instead of an array', () => {
    expect(errorOf(() => definitionsFromModule('m', { definitions: paymentSaga })).message).toMatch(
      /'definitions' must be an array of saga definitions; found an object with keys name, version/,
    );
    expect(errorOf(() => definitionsFromModule('m', { definitions: 'payment' })).message).toMatch(
      /found a string "payment"$/,
    );
  });

  it('rejects an empty list and items that are not built definitions', () => {
    expect(errorOf(() => definitionsFromModule('m', { definitions: [] })).message).toMatch(
      /'definitions' is an empty array$/,
    );
    expect(
      errorOf(() => definitionsFromModule('m', { definitions: [paymentSaga, { name: 'x' }] }))
        .message,
    ).toMatch(/'definitions\[1\]' is not a saga definition .*; found an object with keys name$/);
  });

  it('says so when the module exports nothing usable', () => {
    expect(errorOf(() => definitionsFromModule('m', {})).message).toMatch(/it exports nothing$/);
    expect(errorOf(() => definitionsFromModule('m', null)).message).toMatch(/it exports null$/);
  });
});

describe('loadSagasModule', () => {
  it('resolves a path relative to the working directory and loads its definitions', async () => {
    const definitions = await loadSagasModule('./__fixtures__/payment-saga', __dirname, jestImport);

    expect(definitions.map((d) => `${d.name}@${d.version}`)).toEqual(['payment@1']);
  });

  it('names the variable and the directory when the module cannot be resolved', async () => {
    const cwd = join(__dirname, '__fixtures__');

    const failure = loadSagasModule('./no-such-sagas.js', cwd, jestImport);

    await expect(failure).rejects.toBeInstanceOf(SagasModuleError);
    await expect(failure).rejects.toThrow(
      `SAGAFLOW_SAGAS_MODULE="./no-such-sagas.js": cannot be resolved from ${cwd}: `,
    );
    await expect(failure).rejects.toThrow(/Cannot find module '\.\/no-such-sagas\.js'/);
  });

  it('reports a module that throws while loading', async () => {
    const failing = (): Promise<unknown> => Promise.reject(new Error('boom at load'));

    await expect(
      loadSagasModule('./__fixtures__/payment-saga', __dirname, failing),
    ).rejects.toThrow(/payment-saga\.ts failed to load: boom at load$/);
  });

  it("keeps every line of a module's own error, on one line", async () => {
    const failing = (): Promise<unknown> =>
      Promise.reject(
        new Error(
          'invalid configuration (2 variables):\n  SAGAFLOW_A="x": expected an integer\n  SAGAFLOW_B="y": expected an integer',
        ),
      );

    await expect(
      loadSagasModule('./__fixtures__/payment-saga', __dirname, failing),
    ).rejects.toThrow(
      /failed to load: invalid configuration \(2 variables\): SAGAFLOW_A="x": expected an integer SAGAFLOW_B="y": expected an integer$/,
    );
  });
});
