/**
 * Orders strings by Unicode code point, as Python sorts them. JavaScript's
 * `<` compares UTF-16 units, which puts characters beyond U+FFFF (surrogate
 * pairs, D800–DFFF) before U+E000–U+FFFF; lifting surrogates above that
 * range restores code-point order without decoding.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}
