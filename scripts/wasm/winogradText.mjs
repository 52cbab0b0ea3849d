// The WebAssembly text building blocks of winograd.wat: locals, SIMD sums with constant coefficients, and
// the Winograd transform matrices (Bᵀ, G, Aᵀ of F(2×2, 3×3) and F(4×4, 3×3)) with their factored 1-D transforms.
export const L = (n) => `(local.get $${n})`;
export const S = (n, v) => `(local.set $${n} ${v})`;
export const add = (a, b) => `(f32x4.add ${a} ${b})`;
export const sub = (a, b) => `(f32x4.sub ${a} ${b})`;
export const i32 = (op, a, b) => `(i32.${op} ${a} ${b})`;
export const C = (v) => `(i32.const ${v})`;
export const v128locals = (names) => names.map((n) => `(local $${n} v128)`).join(' ');
export const acc = ['a00', 'a01', 'a10', 'a11', 'a20', 'a21', 'a30', 'a31'];
export const madd = (a, s, w) => S(a, add(L(a), `(f32x4.mul ${L(s)} ${L(w)})`));
export const fconst = (c) => `(v128.const f32x4 ${c} ${c} ${c} ${c})`;
export const num = (c) => (Number.isInteger(c) ? String(c) : c.toPrecision(9));

/** Σ coef·expr with constant coefficients, ±1 as plain adds/subtractions (a positive term first). */
export function lincomb(terms) {
  const t = terms.filter(([c]) => c !== 0);
  t.sort((a, b) => (b[0] > 0) - (a[0] > 0));
  let out = null;
  for (const [c, e] of t) {
    const mag = Math.abs(c);
    const term = mag === 1 ? e : `(f32x4.mul ${e} ${fconst(num(mag))})`;
    if (out === null) out = c > 0 ? term : `(f32x4.neg ${term})`;
    else out = c > 0 ? add(out, term) : sub(out, term);
  }
  return out ?? fconst(0);
}

export const VARIANTS = {
  2: {
    BT: [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]],
    G: [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]],
    AT: [[1, 1, 1, 0], [0, 1, -1, -1]],
  },
  4: {
    BT: [[4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0], [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1]],
    G: [[1 / 4, 0, 0], [-1 / 6, -1 / 6, -1 / 6], [-1 / 6, 1 / 6, -1 / 6], [1 / 24, 1 / 12, 1 / 6], [1 / 24, -1 / 12, 1 / 6], [0, 0, 1]],
    AT: [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]],
  },
};

export const mulc = (e, c) => `(f32x4.mul ${e} ${fconst(num(c))})`;
/** Temporaries the factored F(4×4) transforms use (declared in every function that calls xform). */
export const XFORM_TEMPS = ['xa', 'xb', 'xc', 'xd', 'xe', 'xf'];

/**
 * Statements setting locals `outs` to a 1-D transform of the expressions `ins`: 'BT' (Bᵀ·in), 'AT' (Aᵀ·in)
 * or 'A' (A·in). F(4×4)'s are factored with shared partial sums (Lavin & Gray's tables: 21 instead of 28
 * operations for Bᵀ, 13 instead of 20 for Aᵀ, 11 instead of 18 for A); F(2×2)'s are short sums as they are.
 */
export function xform(m, kind, ins, outs) {
  const [i0, i1, i2, i3, i4, i5] = ins;
  const [ta, tb, tc, td, te, tf] = XFORM_TEMPS.map(L);
  if (m === 2) {
    const M = kind === 'BT' ? VARIANTS[2].BT : kind === 'AT' ? VARIANTS[2].AT : VARIANTS[2].AT[0].map((_, r) => VARIANTS[2].AT.map((row) => row[r]));
    return outs.map((o, r) => S(o, lincomb(M[r].map((coef, k) => [coef, ins[k]]))));
  }
  if (kind === 'BT') {
    return [
      S('xa', add(i1, i2)), S('xb', add(i3, i4)), S('xc', sub(i1, i2)), S('xd', sub(i4, i3)),
      S('xe', mulc(sub(i3, i1), 2)), S('xf', sub(i4, i2)),
      S(outs[0], add(sub(i4, mulc(i2, 5)), mulc(i0, 4))),
      S(outs[1], sub(tb, mulc(ta, 4))),
      S(outs[2], add(mulc(tc, 4), td)),
      S(outs[3], add(tf, te)),
      S(outs[4], sub(tf, te)),
      S(outs[5], add(sub(i5, mulc(i3, 5)), mulc(i1, 4))),
    ];
  }
  if (kind === 'AT') {
    return [
      S('xa', add(i1, i2)), S('xb', sub(i1, i2)), S('xc', add(i3, i4)), S('xd', sub(i3, i4)),
      S(outs[0], add(add(i0, ta), tc)),
      S(outs[1], add(tb, mulc(td, 2))),
      S(outs[2], add(ta, mulc(tc, 4))),
      S(outs[3], add(add(tb, mulc(td, 8)), i5)),
    ];
  }
  // A = (Aᵀ)ᵀ on 4 values → 6: y0; y0+y1+y2+y3; y0−y1+y2−y3; y0+2y1+4y2+8y3; y0−2y1+4y2−8y3; y3
  return [
    S('xa', add(i0, i2)), S('xb', add(i1, i3)), S('xc', add(i0, mulc(i2, 4))), S('xd', add(mulc(i1, 2), mulc(i3, 8))),
    S(outs[0], i0), S(outs[1], add(ta, tb)), S(outs[2], sub(ta, tb)), S(outs[3], add(tc, td)), S(outs[4], sub(tc, td)), S(outs[5], i3),
  ];
}
