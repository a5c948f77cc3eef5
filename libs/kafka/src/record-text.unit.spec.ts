import { headersText, lenientText, strictText } from './record-text';

describe('record text', () => {
  it('decodes UTF-8 strictly for envelopes and leniently for dead letters', () => {
    const bad = Buffer.from([0x7b, 0xff, 0x7d]);
    expect(strictText(Buffer.from('{"a":"é"}'))).toBe('{"a":"é"}');
    expect(strictText(bad)).toBeUndefined();
    expect(lenientText(bad)).toBe('{\uFFFD}');
    expect(lenientText(null)).toBeNull();
  });

  it('keeps the last value of a repeated header and drops empty ones', () => {
    expect(
      headersText({ a: Buffer.from('x'), b: ['1', Buffer.from('2')], c: undefined, d: 's' }),
    ).toEqual({ a: 'x', b: '2', d: 's' });
    expect(headersText(undefined)).toEqual({});
  });
});
