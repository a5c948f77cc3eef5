import { SequentialIdGenerator } from './sequential-id-generator';

describe('SequentialIdGenerator', () => {
  it('numbers ids after a prefix, from 1 by default', () => {
    const ids = new SequentialIdGenerator();
    expect([ids.newId(), ids.newId()]).toEqual(['id-1', 'id-2']);
  });

  it('takes a prefix and a first number', () => {
    const ids = new SequentialIdGenerator({ prefix: 'saga', start: 10 });
    expect(ids.newId()).toBe('saga-10');
  });

  it('rejects a prefix that would make invalid ids', () => {
    expect(() => new SequentialIdGenerator({ prefix: 'a:b' })).toThrow('invalid prefix: "a:b"');
    expect(() => new SequentialIdGenerator({ start: -1 })).toThrow('invalid start: -1');
  });
});
