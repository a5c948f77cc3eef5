import fc from 'fast-check';

/**
 * Any Unicode scalar value as a string (surrogate pairs above U+FFFF). Built by hand because
 * fast-check's `unit: 'binary'` takes about a second to set up, which a unit spec can't afford.
 */
const scalar = fc
  .integer({ min: 0, max: 0x10ffff })
  .filter((codePoint) => codePoint < 0xd800 || codePoint > 0xdfff)
  .map((codePoint) => String.fromCodePoint(codePoint));

/** Well-formed text over the whole of Unicode, control characters included. */
export function unicodeText(constraints: { minLength?: number; maxLength?: number } = {}) {
  return fc.string({ ...constraints, unit: scalar });
}
