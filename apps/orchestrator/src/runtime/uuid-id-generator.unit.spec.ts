import { uuidIdGenerator } from './uuid-id-generator';

describe('uuidIdGenerator', () => {
  it('gives version-4 UUIDs, made of id characters only', () => {
    const id = uuidIdGenerator.newId();

    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(id).toMatch(/^[A-Za-z0-9._-]+$/);
  });

  it('never gives the same id twice', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => uuidIdGenerator.newId()));

    expect(ids.size).toBe(1000);
  });
});
