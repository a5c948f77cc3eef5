import { toJsonObject } from './json-object';

describe('toJsonObject', () => {
  it('copies JSON and drops properties whose value is undefined', () => {
    const value = { a: 1, b: undefined, c: [true, null, 'x', { d: undefined }], e: { f: -0.5 } };
    const checked = toJsonObject(value);
    expect(checked).toEqual({
      ok: true,
      value: { a: 1, c: [true, null, 'x', {}], e: { f: -0.5 } },
    });
    expect(checked.ok && checked.value).not.toBe(value);
    expect(toJsonObject(Object.assign(Object.create(null) as object, { a: 1 }))).toEqual({
      ok: true,
      value: { a: 1 },
    });
  });

  it('names the path and the kind of the first value that is not JSON', () => {
    expect(toJsonObject({ a: { b: [1, Number.NaN] } })).toEqual({
      ok: false,
      problem: 'a.b[1] is NaN, not JSON',
    });
    expect(toJsonObject({ when: new Date(0) })).toEqual({
      ok: false,
      problem: 'when is a Date, not JSON',
    });
    expect(toJsonObject({ run: () => 1 })).toEqual({
      ok: false,
      problem: 'run is a function, not JSON',
    });
    expect(toJsonObject({ big: 1n })).toEqual({ ok: false, problem: 'big is a bigint, not JSON' });
  });

  it('needs an object at the root', () => {
    expect(toJsonObject([1])).toEqual({
      ok: false,
      problem: '(root) is an array, not a JSON object',
    });
    expect(toJsonObject(null)).toEqual({ ok: false, problem: '(root) is null, not a JSON object' });
    expect(toJsonObject(new Map())).toEqual({
      ok: false,
      problem: '(root) is a Map, not a JSON object',
    });
    expect(toJsonObject('x')).toEqual({
      ok: false,
      problem: '(root) is a string, not a JSON object',
    });
  });
});
