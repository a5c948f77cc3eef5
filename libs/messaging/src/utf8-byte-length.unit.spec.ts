import fc from 'fast-check';
import { unicodeText } from './__fixtures__/unicode-text';
import { utf8ByteLength } from './utf8-byte-length';

/** Bytes as `encodeURIComponent` sees them: each `%XX` is one byte, anything else one. */
function uriByteLength(text: string): number {
  return encodeURIComponent(text).replace(/%[0-9A-F]{2}/g, '_').length;
}

describe('utf8ByteLength', () => {
  it.each([
    ['', 0],
    ['a', 1],
    ['é', 2],
    ['€', 3],
    ['😀', 4],
    ['a😀é', 7],
    ['\ud83d', 3],
    ['\ude00x', 4],
  ])('counts %j as %i bytes', (text, bytes) => {
    expect(utf8ByteLength(text)).toBe(bytes);
  });

  it('agrees with the platform on any well-formed text', () => {
    fc.assert(
      fc.property(unicodeText({ maxLength: 40 }), (text) => {
        expect(utf8ByteLength(text)).toBe(uriByteLength(text));
      }),
      { numRuns: 100 },
    );
  });
});
