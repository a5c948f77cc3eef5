import { QueryFailedError } from 'typeorm';

import { retryOnDeadlock } from './is-duplicate-key-error';

const serverError = (code: string, errno: number) =>
  new QueryFailedError('INSERT …', [], Object.assign(new Error(code), { code, errno }));

describe('retryOnDeadlock', () => {
  it('runs the work again after a deadlock, up to the limit', async () => {
    let runs = 0;
    const result = await retryOnDeadlock(3, () => {
      runs += 1;
      return runs < 3
        ? Promise.reject(serverError('ER_LOCK_DEADLOCK', 1213))
        : Promise.resolve('done');
    });
    expect(result).toBe('done');
    expect(runs).toBe(3);
  });

  it('throws the last deadlock once the retries are spent', async () => {
    let runs = 0;
    const deadlock = serverError('ER_LOCK_DEADLOCK', 1213);
    await expect(
      retryOnDeadlock(2, () => {
        runs += 1;
        return Promise.reject(deadlock);
      }),
    ).rejects.toBe(deadlock);
    expect(runs).toBe(3);
  });

  it('never runs the work again after another error', async () => {
    let runs = 0;
    const duplicate = serverError('ER_DUP_ENTRY', 1062);
    await expect(
      retryOnDeadlock(5, () => {
        runs += 1;
        return Promise.reject(duplicate);
      }),
    ).rejects.toBe(duplicate);
    expect(runs).toBe(1);
  });
});
