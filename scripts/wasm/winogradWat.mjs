// Writes winograd.wat's text from the Winograd transform matrices (Bᵀ, Aᵀ of F(2×2, 3×3) and F(4×4, 3×3)):
// the transforms are long unrolled sums, error-prone by hand. scripts/gen-model-wasm.mjs calls winogradWat(),
// writes kernels/engine/accel/conv/winograd.wat and assembles it with the other kernels.
const L = (n) => `(local.get $${n})`;
const S = (n, v) => `(local.set $${n} ${v})`;
const add = (a, b) => `(f32x4.add ${a} ${b})`;
const sub = (a, b) => `(f32x4.sub ${a} ${b})`;
const i32 = (op, a, b) => `(i32.${op} ${a} ${b})`;
const C = (v) => `(i32.const ${v})`;
const v128locals = (names) => names.map((n) => `(local $${n} v128)`).join(' ');
const acc = ['a00', 'a01', 'a10', 'a11', 'a20', 'a21', 'a30', 'a31'];
const madd = (a, s, w) => S(a, add(L(a), `(f32x4.mul ${L(s)} ${L(w)})`));
const fconst = (c) => `(v128.const f32x4 ${c} ${c} ${c} ${c})`;
const num = (c) => (Number.isInteger(c) ? String(c) : c.toPrecision(9));

/** Σ coef·expr with constant coefficients, ±1 as plain adds/subtractions (a positive term first). */
function lincomb(terms) {
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

const VARIANTS = {
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

const mulc = (e, c) => `(f32x4.mul ${e} ${fconst(num(c))})`;
/** Temporaries the factored F(4×4) transforms use (declared in every function that calls xform). */
const XFORM_TEMPS = ['xa', 'xb', 'xc', 'xd', 'xe', 'xf'];

/**
 * Statements setting locals `outs` to a 1-D transform of the expressions `ins`: 'BT' (Bᵀ·in), 'AT' (Aᵀ·in)
 * or 'A' (A·in). F(4×4)'s are factored with shared partial sums (Lavin & Gray's tables: 21 instead of 28
 * operations for Bᵀ, 13 instead of 20 for Aᵀ, 11 instead of 18 for A); F(2×2)'s are short sums as they are.
 */
function xform(m, kind, ins, outs) {
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

/** U = G g Gᵀ for input channels [ci0, ci1), 4 output channels at a time; g [3][3][Ci][Co], U packed [E][Co/8][Ci][8]. */
function filterTransform(m) {
  const a = m + 2, G = VARIANTS[m].G;
  const g = [], q = [];
  for (let r = 0; r < 3; r++) for (let b = 0; b < 3; b++) g.push(`g${r}_${b}`);
  for (let r = 0; r < a; r++) for (let b = 0; b < 3; b++) q.push(`q${r}_${b}`);
  const body = [];
  for (let t = 0; t < 9; t++) body.push(S(`g${Math.floor(t / 3)}_${t % 3}`, `(v128.load ${i32('add', L('p'), i32('mul', L('tap'), C(t)))})`));
  // Q[r][b] = Σ_k G[r][k] g[k][b]
  for (let r = 0; r < a; r++) for (let b = 0; b < 3; b++) body.push(S(`q${r}_${b}`, lincomb(G[r].map((coef, k) => [coef, L(`g${k}_${b}`)]))));
  // U[r][c] = Σ_b G[c][b] Q[r][b] at e = r·α + c
  body.push(S('pe', L('q')));
  for (let r = 0; r < a; r++) for (let c = 0; c < a; c++) {
    body.push(`(v128.store ${L('pe')} ${lincomb(G[c].map((coef, b) => [coef, L(`q${r}_${b}`)]))})`);
    body.push(S('pe', i32('add', L('pe'), L('es'))));
  }
  return `
  ;; U = G g Gᵀ (the filter's transform) for input channels [ci0, ci1), 4 output channels at a time: g is the filter
  ;; [3][3][Ci][Co], U packed for the GEMM as U[e][Co/8][Ci][8].
  (func (export "winoFilterTransform${m}") (param $g i32) (param $U i32) (param $Ci i32) (param $Co i32) (param $ci0 i32) (param $ci1 i32)
    (local $ci i32) (local $co i32) (local $tap i32) (local $es i32) (local $p i32) (local $q i32) (local $pe i32)
    ${v128locals(g)} ${v128locals(q)}
    ${S('tap', i32('shl', i32('mul', L('Ci'), L('Co')), C(2)))}
    ${S('es', i32('shl', i32('mul', L('Ci'), L('Co')), C(2)))}
    ${S('ci', L('ci0'))}
    (block $ciDone (loop $ciLoop
      (br_if $ciDone (i32.ge_s ${L('ci')} ${L('ci1')}))
      ${S('co', C(0))}
      (loop $coLoop
        ${S('p', i32('add', L('g'), i32('shl', i32('add', i32('mul', L('ci'), L('Co')), L('co')), C(2))))}
        ;; U[0][co / 8][ci][co % 8]
        ${S('q', i32('add', L('U'), i32('add', i32('shl', i32('add', i32('mul', i32('shr_u', L('co'), C(3)), L('Ci')), L('ci')), C(5)), i32('shl', i32('and', L('co'), C(7)), C(2)))))}
        ${body.join('\n        ')}
        ${S('co', i32('add', L('co'), C(4)))}
        (br_if $coLoop (i32.lt_u ${L('co')} ${L('Co')})))
      ${S('ci', i32('add', L('ci'), C(1)))}
      (br $ciLoop))))`;
}

/** dW = Gᵀ M G per (ci, co), 4 channel pairs at a time, for 4-float groups [x0, x1) of the Ci·Co plane. */
function filterUntransform(m) {
  const a = m + 2, G = VARIANTS[m].G;
  const mm = [], p = [];
  for (let r = 0; r < a; r++) for (let c = 0; c < a; c++) mm.push(`m${r}_${c}`);
  for (let r = 0; r < a; r++) for (let b = 0; b < 3; b++) p.push(`p${r}_${b}`);
  const body = [S('pe', L('src'))];
  for (const name of mm) body.push(S(name, `(v128.load ${L('pe')})`), S('pe', i32('add', L('pe'), L('plane'))));
  // P[r][b] = Σ_c M[r][c] G[c][b]; dW[k][b] = Σ_r G[r][k] P[r][b]
  for (let r = 0; r < a; r++) for (let b = 0; b < 3; b++) body.push(S(`p${r}_${b}`, lincomb(G.map((row, c) => [row[b], L(`m${r}_${c}`)]))));
  body.push(S('pe', L('dst')));
  for (let k = 0; k < 3; k++) for (let b = 0; b < 3; b++) {
    body.push(`(v128.store ${L('pe')} ${lincomb(G.map((row, r) => [row[k], L(`p${r}_${b}`)]))})`);
    body.push(S('pe', i32('add', L('pe'), L('plane'))));
  }
  return `
  ;; dW[k][b][ci][co] = (Gᵀ M G)[k][b], M[e] = sums[e][ci][co] (the filter gradient's transform undone), for the
  ;; 4-float groups [x0, x1) of the Ci·Co plane.
  (func (export "winoFilterUntransform${m}") (param $sums i32) (param $dW i32) (param $Ci i32) (param $Co i32) (param $x0 i32) (param $x1 i32)
    (local $x i32) (local $plane i32) (local $src i32) (local $dst i32) (local $pe i32)
    ${v128locals(mm)} ${v128locals(p)}
    ${S('plane', i32('shl', i32('mul', L('Ci'), L('Co')), C(2)))}
    ${S('x', L('x0'))}
    (block $done (loop $xLoop
      (br_if $done (i32.ge_s ${L('x')} ${L('x1')}))
      ${S('src', i32('add', L('sums'), i32('shl', L('x'), C(4))))}
      ${S('dst', i32('add', L('dW'), i32('shl', L('x'), C(4))))}
      ${body.join('\n      ')}
      ${S('x', i32('add', L('x'), C(1)))}
      (br $xLoop))))`;
}

const tileCoords = (m, th, tw) => `
      ${S('n', i32('div_u', L('t'), L('tt')))}
      ${S('rem', i32('sub', L('t'), i32('mul', L('n'), L('tt'))))}
      ${S('i', i32('div_u', L('rem'), L(tw)))}
      ${S('j', i32('sub', L('rem'), i32('mul', L('i'), L(tw))))}`;

/**
 * The tile loop of the input and dY transforms: for tiles t0 + tl, tl < ntr, `body` turns the a×a patch at
 * byte `base` (4 channels per step over `bytes` bytes of channels) into a² rows of `dst` (es bytes apart);
 * tiles past the last (T) get zeros.
 */
const transformTileLoop = (m, a, dst, bytes, base, body) => `(local.set $tl (i32.const 0))
    (block $tDone (loop $tLoop
      (br_if $tDone (i32.ge_s ${L('tl')} ${L('ntr')}))
      ${S('t', i32('add', L('t0'), L('tl')))}
      ${S('q', i32('add', L(dst), i32('mul', L('tl'), L(bytes))))}
      (if (i32.lt_s ${L('t')} ${L('T')})
        (then
          ${tileCoords(m, 'th', 'tw')}
          ${S('base', base)}
          (local.set $ch (i32.const 0))
          (loop $chLoop
            ${S('p', i32('add', L('base'), L('ch')))}
            ${body.join('\n            ')}
            ${S('ch', i32('add', L('ch'), C(16)))}
            (br_if $chLoop (i32.lt_u ${L('ch')} ${L(bytes)}))))
        (else
          (local.set $e (i32.const 0))
          (loop $zLoop
            (memory.fill ${i32('add', L('q'), i32('mul', L('e'), L('es')))} (i32.const 0) ${L(bytes)})
            ${S('e', i32('add', L('e'), C(1)))}
            (br_if $zLoop (i32.lt_u ${L('e')} (i32.const ${a * a}))))))
      ${S('tl', i32('add', L('tl'), C(1)))}
      (br $tLoop)))`;

function inputTransform(m) {
  const a = m + 2, BT = VARIANTS[m].BT;
  const d = [...Array(a).keys()].map((k) => `d${k}`);
  const body = [];
  const w = [...Array(a).keys()].map((r) => `w${r}`);
  const tmp = (e) => `offset=${e * 16} ${L('tmp')}`;
  for (let r = 0; r < a; r++) {
    for (let k = 0; k < a; k++) body.push(S(`d${k}`, `(v128.load ${k === 0 ? L('p') : i32('add', L('p'), i32('mul', L('cs'), C(k)))})`));
    // u_r = d_r B: u_r[c] = Σ_k Bᵀ[c][k] d_r[k], parked in the small tmp buffer (L1; few values live)
    body.push(...xform(m, 'BT', d.map(L), w));
    for (let c = 0; c < a; c++) body.push(`(v128.store ${tmp(r * a + c)} ${L(`w${c}`)})`);
    body.push(S('p', i32('add', L('p'), L('rs'))));
  }
  // v[r][c] = Σ_k Bᵀ[r][k] u_k[c] (column by column), stored at e = r·α + c
  for (let c = 0; c < a; c++) {
    for (let k = 0; k < a; k++) body.push(S(`d${k}`, `(v128.load ${tmp(k * a + c)})`));
    body.push(...xform(m, 'BT', d.map(L), w));
    for (let r = 0; r < a; r++) {
      body.push(`(v128.store ${i32('add', i32('add', L('q'), L('ch')), i32('mul', L('es'), C(r * a + c)))} ${L(`w${r}`)})`);
    }
  }
  return `
  ;; V[e][tl][ci] = (Bᵀ d B)[e] (e = ${a}·row + column) for tiles t0 + tl, tl < ntr (tiles past the last, T, get
  ;; zeros), d the ${a}×${a} patch xp[n, ${m}i .., ${m}j .., ci] of the padded input [N, Hp, Wp, Ci] (Hp = ${m}·th + 2,
  ;; Wp = ${m}·tw + 2); t = (n·th + i)·tw + j. SIMD over 4 channels.
  (func $inputTransform${m} (param $xp i32) (param $V i32) (param $Ci i32) (param $Tb i32) (param $th i32) (param $tw i32)
    (param $T i32) (param $t0 i32) (param $ntr i32) (param $tmp i32)
    (local $tl i32) (local $t i32) (local $n i32) (local $rem i32) (local $i i32) (local $j i32) (local $tt i32)
    (local $cs i32) (local $rs i32) (local $es i32) (local $Hp i32) (local $Wp i32)
    (local $base i32) (local $ch i32) (local $p i32) (local $q i32) (local $pe i32) (local $e i32)
    ${v128locals(d)} ${v128locals([...Array(a).keys()].map((r) => `w${r}`))} ${v128locals(XFORM_TEMPS)}
    ${S('cs', i32('shl', L('Ci'), C(2)))}
    ${S('Hp', i32('add', i32('mul', L('th'), C(m)), C(2)))}
    ${S('Wp', i32('add', i32('mul', L('tw'), C(m)), C(2)))}
    ${S('rs', i32('mul', L('Wp'), L('cs')))}
    ${S('es', i32('mul', L('Tb'), L('cs')))}
    ${S('tt', i32('mul', L('th'), L('tw')))}
    ${transformTileLoop(m, a, 'V', 'cs', i32('add', L('xp'), i32('mul', i32('add', i32('mul', i32('add', i32('mul', L('n'), L('Hp')), i32('mul', L('i'), C(m))), L('Wp')), i32('mul', L('j'), C(m))), L('cs'))), body)})`;
}

function outputTransform(m) {
  const a = m + 2, AT = VARIANTS[m].AT;
  const body = [];
  const tmp = (e) => `offset=${e * 16} ${L('tmp')}`;
  const col = [...Array(a).keys()].map((k) => `m${k}`), o = [...Array(m).keys()].map((x) => `o${x}`);
  // s[y][c] = Σ_k Aᵀ[y][k] m[k][c] (column by column) into the small tmp buffer; o[y][x] = Σ_k Aᵀ[x][k] s[y][k]
  for (let c = 0; c < a; c++) {
    for (let k = 0; k < a; k++) body.push(S(`m${k}`, `(v128.load ${i32('add', L('p'), i32('mul', L('es'), C(k * a + c)))})`));
    body.push(...xform(m, 'AT', col.map(L), o));
    for (let y = 0; y < m; y++) body.push(`(v128.store ${tmp(y * a + c)} ${L(`o${y}`)})`);
  }
  body.push(`(if ${L('hasBias')} (then (local.set $b (v128.load ${i32('add', L('bias'), L('ch'))}))))`);
  for (let y = 0; y < m; y++) {
    for (let k = 0; k < a; k++) body.push(S(`m${k}`, `(v128.load ${tmp(y * a + k)})`));
    body.push(...xform(m, 'AT', col.map(L), o));
    for (let x = 0; x < m; x++) {
      const val = L(`o${x}`);
      const addr = i32('add', i32('add', L('o'), L('ch')), i32('add', i32('mul', L('ors'), C(y)), i32('mul', L('co4'), C(x))));
      const store = `${S('y', add(val, L('b')))}
          (if ${L('relu')} (then (local.set $y (f32x4.max (local.get $y) (local.get $zero)))))
          (v128.store ${addr} ${L('y')})`;
      const conds = [y > 0 ? i32('lt_s', C(y), L('rows')) : null, x > 0 ? i32('lt_s', C(x), L('cols')) : null].filter(Boolean);
      const cond = conds.length === 2 ? i32('and', conds[0], conds[1]) : conds[0];
      body.push(cond ? `(if ${cond} (then ${store}))` : store);
    }
  }
  return `
  ;; out[n, ${m}i + y, ${m}j + x, co] = act(bias[co] + (Aᵀ M A)[y][x]) for real tiles t0 + tl < T, clipped to Ho × Wo.
  (func $outputTransform${m} (param $M i32) (param $bias i32) (param $out i32) (param $Co i32) (param $Tb i32) (param $th i32) (param $tw i32)
    (param $Ho i32) (param $Wo i32) (param $T i32) (param $t0 i32) (param $nt i32) (param $hasBias i32) (param $relu i32) (param $tmp i32)
    (local $tl i32) (local $t i32) (local $n i32) (local $rem i32) (local $i i32) (local $j i32) (local $tt i32)
    (local $co4 i32) (local $es i32) (local $ch i32) (local $p i32) (local $o i32) (local $rows i32) (local $cols i32) (local $ors i32)
    ${v128locals([...Array(a).keys()].map((k) => `m${k}`))} ${v128locals([...Array(m).keys()].map((x) => `o${x}`))} ${v128locals(XFORM_TEMPS)} (local $b v128) (local $zero v128) (local $y v128)
    ${S('co4', i32('shl', L('Co'), C(2)))}
    ${S('es', i32('mul', L('Tb'), L('co4')))}
    ${S('tt', i32('mul', L('th'), L('tw')))}
    ${S('ors', i32('mul', L('Wo'), L('co4')))}
    (local.set $zero (f32x4.splat (f32.const 0)))
    (local.set $b (local.get $zero))
    (local.set $tl (i32.const 0))
    (block $tDone (loop $tLoop
      (br_if $tDone (i32.ge_s ${L('tl')} ${L('nt')}))
      ${S('t', i32('add', L('t0'), L('tl')))}
      ${tileCoords(m, 'th', 'tw')}
      ;; output rows/columns of this tile inside the image
      ${S('rows', i32('sub', L('Ho'), i32('mul', L('i'), C(m))))}
      ${S('cols', i32('sub', L('Wo'), i32('mul', L('j'), C(m))))}
      ${S('o', i32('add', L('out'), i32('mul', i32('add', i32('mul', i32('add', i32('mul', L('n'), L('Ho')), i32('mul', L('i'), C(m))), L('Wo')), i32('mul', L('j'), C(m))), L('co4'))))}
      (local.set $ch (i32.const 0))
      (loop $chLoop
        ${S('p', i32('add', L('M'), i32('add', i32('mul', L('tl'), L('co4')), L('ch'))))}
        ${body.join('\n        ')}
        ${S('ch', i32('add', L('ch'), C(16)))}
        (br_if $chLoop (i32.lt_u ${L('ch')} ${L('co4')})))
      ${S('tl', i32('add', L('tl'), C(1)))}
      (br $tLoop))))`;
}

function dyTransform(m) {
  const a = m + 2, AT = VARIANTS[m].AT;
  const yy = [];
  for (let y = 0; y < m; y++) for (let x = 0; x < m; x++) yy.push(`y${y}_${x}`);
  const body = [];
  for (let y = 0; y < m; y++) for (let x = 0; x < m; x++) {
    body.push(S(`y${y}_${x}`, `(v128.load ${i32('add', L('p'), i32('add', i32('mul', L('rs'), C(y)), i32('mul', L('co4'), C(x))))})`));
  }
  // c[r][x] = Σ_y A[r][y] dY[y][x] (A = (Aᵀ)ᵀ; column by column, parked in the small tmp buffer);
  // w[r][c] = Σ_x A[c][x] c[r][x] (row by row)
  const tmp = (i) => `offset=${i * 16} ${L('tmp')}`;
  const w = [...Array(a).keys()].map((c) => `w${c}`);
  for (let x = 0; x < m; x++) {
    body.push(...xform(m, 'A', [...Array(m).keys()].map((y) => L(`y${y}_${x}`)), w));
    for (let r = 0; r < a; r++) body.push(`(v128.store ${tmp(r * m + x)} ${L(`w${r}`)})`);
  }
  body.push(S('pe', i32('add', L('q'), L('ch'))));
  for (let r = 0; r < a; r++) {
    // (the dY locals of row 0 are free again: they hold c[r][·])
    for (let x = 0; x < m; x++) body.push(S(`y0_${x}`, `(v128.load ${tmp(r * m + x)})`));
    body.push(...xform(m, 'A', [...Array(m).keys()].map((x) => L(`y0_${x}`)), w));
    for (let c = 0; c < a; c++) {
      body.push(`(v128.store ${L('pe')} ${L(`w${c}`)})`);
      body.push(S('pe', i32('add', L('pe'), L('es'))));
    }
  }
  return `
  ;; D[e][tl][co] = (A dY Aᵀ)[e] for tiles t0 + tl < ntr (zeros past T), dY the ${m}×${m} block dyp[n, ${m}i .., ${m}j .., co]
  ;; of the output gradient padded with zeros to [N, ${m}·th, ${m}·tw, Co].
  (func $dyTransform${m} (param $dyp i32) (param $D i32) (param $Co i32) (param $Tb i32) (param $th i32) (param $tw i32)
    (param $T i32) (param $t0 i32) (param $ntr i32) (param $tmp i32)
    (local $tl i32) (local $t i32) (local $n i32) (local $rem i32) (local $i i32) (local $j i32) (local $tt i32)
    (local $co4 i32) (local $rs i32) (local $es i32) (local $base i32) (local $ch i32) (local $p i32) (local $q i32) (local $pe i32) (local $e i32)
    ${v128locals(yy)} ${v128locals([...Array(a).keys()].map((c) => `w${c}`))} ${v128locals(XFORM_TEMPS)}
    ${S('co4', i32('shl', L('Co'), C(2)))}
    ${S('rs', i32('mul', i32('mul', L('tw'), C(m)), L('co4')))}
    ${S('es', i32('mul', L('Tb'), L('co4')))}
    ${S('tt', i32('mul', L('th'), L('tw')))}
    ${transformTileLoop(m, a, 'D', 'co4', i32('add', L('dyp'), i32('mul', i32('add', i32('mul', i32('add', i32('mul', L('n'), i32('mul', L('th'), C(m))), i32('mul', L('i'), C(m))), i32('mul', L('tw'), C(m))), i32('mul', L('j'), C(m))), L('co4'))), body)})`;
}

// forward GEMM, 4 tiles × 8 output channels per register tile
const gemmForward = `
  ;; M[e][tl][co] = Σ_ci V[e][tl][ci] · U[e][ci][co] for e < E, tl < ntr (a multiple of 4); U packed U[e][co/8][ci][8].
  (func $gemmForward (param $V i32) (param $U i32) (param $M i32) (param $Ci i32) (param $Co i32) (param $Tb i32) (param $ntr i32) (param $E i32)
    (local $e i32) (local $cb i32) (local $g i32) (local $cs i32) (local $co4 i32) (local $CB i32) (local $run i32)
    (local $vE i32) (local $mE i32) (local $uB i32) (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $w i32) (local $wEnd i32) (local $o i32)
    ${v128locals(acc)} (local $w0 v128) (local $w1 v128) (local $s v128) (local $zero v128)
    ${S('cs', i32('shl', L('Ci'), C(2)))}
    ${S('co4', i32('shl', L('Co'), C(2)))}
    ${S('CB', i32('shr_u', L('Co'), C(3)))}
    ${S('run', i32('shl', L('Ci'), C(5)))}
    (local.set $zero (f32x4.splat (f32.const 0)))
    (local.set $e (i32.const 0))
    (loop $eLoop
      ${S('vE', i32('add', L('V'), i32('mul', L('e'), i32('mul', L('Tb'), L('cs')))))}
      ${S('mE', i32('add', L('M'), i32('mul', L('e'), i32('mul', L('Tb'), L('co4')))))}
      (local.set $cb (i32.const 0))
      (loop $cbLoop
        ${S('uB', i32('add', L('U'), i32('mul', i32('add', i32('mul', L('e'), L('CB')), L('cb')), L('run'))))}
        (local.set $g (i32.const 0))
        (loop $gLoop
          ${acc.map((a) => S(a, L('zero'))).join(' ')}
          ${S('p0', i32('add', L('vE'), i32('mul', L('g'), L('cs'))))}
          ${S('p1', i32('add', L('p0'), L('cs')))}
          ${S('p2', i32('add', L('p1'), L('cs')))}
          ${S('p3', i32('add', L('p2'), L('cs')))}
          ${S('w', L('uB'))}
          ${S('wEnd', i32('add', L('uB'), L('run')))}
          (loop $kLoop
            (local.set $w0 (v128.load (local.get $w)))
            (local.set $w1 (v128.load offset=16 (local.get $w)))
            (local.set $s (v128.load32_splat (local.get $p0)))
            ${madd('a00', 's', 'w0')}
            ${madd('a01', 's', 'w1')}
            (local.set $s (v128.load32_splat (local.get $p1)))
            ${madd('a10', 's', 'w0')}
            ${madd('a11', 's', 'w1')}
            (local.set $s (v128.load32_splat (local.get $p2)))
            ${madd('a20', 's', 'w0')}
            ${madd('a21', 's', 'w1')}
            (local.set $s (v128.load32_splat (local.get $p3)))
            ${madd('a30', 's', 'w0')}
            ${madd('a31', 's', 'w1')}
            (local.set $p0 (i32.add (local.get $p0) (i32.const 4)))
            (local.set $p1 (i32.add (local.get $p1) (i32.const 4)))
            (local.set $p2 (i32.add (local.get $p2) (i32.const 4)))
            (local.set $p3 (i32.add (local.get $p3) (i32.const 4)))
            (local.set $w (i32.add (local.get $w) (i32.const 32)))
            (br_if $kLoop (i32.lt_u (local.get $w) (local.get $wEnd))))
          ${S('o', i32('add', L('mE'), i32('add', i32('mul', L('g'), L('co4')), i32('shl', L('cb'), C(5)))))}
          (v128.store ${L('o')} ${L('a00')}) (v128.store offset=16 ${L('o')} ${L('a01')})
          ${S('o', i32('add', L('o'), L('co4')))}
          (v128.store ${L('o')} ${L('a10')}) (v128.store offset=16 ${L('o')} ${L('a11')})
          ${S('o', i32('add', L('o'), L('co4')))}
          (v128.store ${L('o')} ${L('a20')}) (v128.store offset=16 ${L('o')} ${L('a21')})
          ${S('o', i32('add', L('o'), L('co4')))}
          (v128.store ${L('o')} ${L('a30')}) (v128.store offset=16 ${L('o')} ${L('a31')})
          ${S('g', i32('add', L('g'), C(4)))}
          (br_if $gLoop (i32.lt_u ${L('g')} ${L('ntr')})))
        ${S('cb', i32('add', L('cb'), C(1)))}
        (br_if $cbLoop (i32.lt_u ${L('cb')} ${L('CB')})))
      ${S('e', i32('add', L('e'), C(1)))}
      (br_if $eLoop (i32.lt_u ${L('e')} ${L('E')}))))`;

const gemmFilter = `
  ;; G[e][ci][co] += Σ_{tl < ntr} V[e][tl][ci] · D[e][tl][co] (G: [E][Ci][Co]); tiles summed in order.
  (func $gemmFilter (param $V i32) (param $D i32) (param $G i32) (param $Ci i32) (param $Co i32) (param $Tb i32) (param $ntr i32) (param $E i32)
    (local $e i32) (local $ci i32) (local $cb i32) (local $cs i32) (local $co4 i32) (local $CB i32)
    (local $vE i32) (local $dE i32) (local $gE i32) (local $op i32) (local $o1 i32) (local $o2 i32) (local $o3 i32)
    (local $xp i32) (local $dp i32) (local $dEnd i32) (local $span i32)
    ${v128locals(acc)} (local $d0 v128) (local $d1 v128) (local $s v128)
    ${S('cs', i32('shl', L('Ci'), C(2)))}
    ${S('co4', i32('shl', L('Co'), C(2)))}
    ${S('CB', i32('shr_u', L('Co'), C(3)))}
    ${S('span', i32('mul', L('ntr'), L('co4')))}
    (local.set $e (i32.const 0))
    (loop $eLoop
      ${S('vE', i32('add', L('V'), i32('mul', L('e'), i32('mul', L('Tb'), L('cs')))))}
      ${S('dE', i32('add', L('D'), i32('mul', L('e'), i32('mul', L('Tb'), L('co4')))))}
      ${S('gE', i32('add', L('G'), i32('mul', L('e'), i32('mul', L('Ci'), L('co4')))))}
      (local.set $ci (i32.const 0))
      (loop $ciLoop
        (local.set $cb (i32.const 0))
        (loop $cbLoop
          ${S('op', i32('add', L('gE'), i32('add', i32('mul', L('ci'), L('co4')), i32('shl', L('cb'), C(5)))))}
          ${S('o1', i32('add', L('op'), L('co4')))}
          ${S('o2', i32('add', L('o1'), L('co4')))}
          ${S('o3', i32('add', L('o2'), L('co4')))}
          (local.set $a00 (v128.load (local.get $op))) (local.set $a01 (v128.load offset=16 (local.get $op)))
          (local.set $a10 (v128.load (local.get $o1))) (local.set $a11 (v128.load offset=16 (local.get $o1)))
          (local.set $a20 (v128.load (local.get $o2))) (local.set $a21 (v128.load offset=16 (local.get $o2)))
          (local.set $a30 (v128.load (local.get $o3))) (local.set $a31 (v128.load offset=16 (local.get $o3)))
          ${S('xp', i32('add', L('vE'), i32('shl', L('ci'), C(2))))}
          ${S('dp', i32('add', L('dE'), i32('shl', L('cb'), C(5))))}
          ${S('dEnd', i32('add', L('dp'), L('span')))}
          (loop $tLoop
            (local.set $d0 (v128.load (local.get $dp)))
            (local.set $d1 (v128.load offset=16 (local.get $dp)))
            (local.set $s (v128.load32_splat (local.get $xp)))
            ${madd('a00', 's', 'd0')}
            ${madd('a01', 's', 'd1')}
            (local.set $s (v128.load32_splat offset=4 (local.get $xp)))
            ${madd('a10', 's', 'd0')}
            ${madd('a11', 's', 'd1')}
            (local.set $s (v128.load32_splat offset=8 (local.get $xp)))
            ${madd('a20', 's', 'd0')}
            ${madd('a21', 's', 'd1')}
            (local.set $s (v128.load32_splat offset=12 (local.get $xp)))
            ${madd('a30', 's', 'd0')}
            ${madd('a31', 's', 'd1')}
            (local.set $xp (i32.add (local.get $xp) (local.get $cs)))
            (local.set $dp (i32.add (local.get $dp) (local.get $co4)))
            (br_if $tLoop (i32.lt_u (local.get $dp) (local.get $dEnd))))
          (v128.store (local.get $op) (local.get $a00)) (v128.store offset=16 (local.get $op) (local.get $a01))
          (v128.store (local.get $o1) (local.get $a10)) (v128.store offset=16 (local.get $o1) (local.get $a11))
          (v128.store (local.get $o2) (local.get $a20)) (v128.store offset=16 (local.get $o2) (local.get $a21))
          (v128.store (local.get $o3) (local.get $a30)) (v128.store offset=16 (local.get $o3) (local.get $a31))
          ${S('cb', i32('add', L('cb'), C(1)))}
          (br_if $cbLoop (i32.lt_u ${L('cb')} ${L('CB')})))
        ${S('ci', i32('add', L('ci'), C(4)))}
        (br_if $ciLoop (i32.lt_u ${L('ci')} ${L('Ci')})))
      ${S('e', i32('add', L('e'), C(1)))}
      (br_if $eLoop (i32.lt_u ${L('e')} ${L('E')}))))`;

const sumParts = `
  ;; G[0][i] += G[1][i] + … (added in chunk order) for i in [i0, i1) (4-float groups): the filter-gradient chunks.
  (func (export "winoSumParts") (param $G i32) (param $K i32) (param $size i32) (param $i0 i32) (param $i1 i32)
    (local $p i32) (local $end i32) (local $k i32) (local $q i32) (local $s v128) (local $stride i32)
    ${S('stride', i32('shl', L('size'), C(2)))}
    ${S('p', i32('add', L('G'), i32('shl', L('i0'), C(4))))}
    ${S('end', i32('add', L('G'), i32('shl', L('i1'), C(4))))}
    (block $done (loop $pLoop
      (br_if $done (i32.ge_u ${L('p')} ${L('end')}))
      ${S('s', `(v128.load ${L('p')})`)}
      ${S('q', L('p'))}
      ${S('k', C(1))}
      (block $kDone (loop $kLoop
        (br_if $kDone (i32.ge_s ${L('k')} ${L('K')}))
        ${S('q', i32('add', L('q'), L('stride')))}
        ${S('s', add(L('s'), `(v128.load ${L('q')})`))}
        ${S('k', i32('add', L('k'), C(1)))}
        (br $kLoop)))
      (v128.store ${L('p')} ${L('s')})
      ${S('p', i32('add', L('p'), C(16)))}
      (br $pLoop))))`;

const padRows = `
  ;; into[n, r, c, ch] = x[n, r − top, c − left, ch] inside x, else 0, for padded rows g = n·Hp + r in [g0, g1):
  ;; x is [N, H, W, C], into [N, Hp, Wp, C]. Rows are one copy; only the border is zeroed.
  (func (export "winoPad") (param $x i32) (param $into i32) (param $H i32) (param $W i32) (param $C i32)
    (param $top i32) (param $left i32) (param $Hp i32) (param $Wp i32) (param $g0 i32) (param $g1 i32)
    (local $g i32) (local $n i32) (local $r i32) (local $src i32) (local $dst i32) (local $row i32)
    (local $w0 i32) (local $w1 i32) (local $c0 i32) (local $c1 i32)
    ;; columns of x that land inside the padded row: [w0, w1); bytes [c0, c1) of the padded row hold them
    ${S('w0', i32('sub', C(0), L('left')))}
    (if (i32.lt_s ${L('w0')} (i32.const 0)) (then ${S('w0', C(0))}))
    ${S('w1', i32('sub', L('Wp'), L('left')))}
    (if (i32.gt_s ${L('w1')} ${L('W')}) (then ${S('w1', L('W'))}))
    (if (i32.lt_s ${L('w1')} ${L('w0')}) (then ${S('w1', L('w0'))}))
    ${S('c0', i32('shl', i32('mul', i32('add', L('w0'), L('left')), L('C')), C(2)))}
    ${S('c1', i32('shl', i32('mul', i32('add', L('w1'), L('left')), L('C')), C(2)))}
    ${S('row', i32('shl', i32('mul', L('Wp'), L('C')), C(2)))}
    ${S('g', L('g0'))}
    (block $done (loop $gLoop
      (br_if $done (i32.ge_s ${L('g')} ${L('g1')}))
      ${S('n', i32('div_u', L('g'), L('Hp')))}
      ${S('r', i32('sub', i32('sub', L('g'), i32('mul', L('n'), L('Hp'))), L('top')))}
      ${S('dst', i32('add', L('into'), i32('mul', L('g'), L('row'))))}
      (if (i32.or (i32.or (i32.lt_s ${L('r')} (i32.const 0)) (i32.ge_s ${L('r')} ${L('H')})) (i32.eq ${L('c1')} ${L('c0')}))
        (then (memory.fill ${L('dst')} (i32.const 0) ${L('row')}))
        (else
          (memory.fill ${L('dst')} (i32.const 0) ${L('c0')})
          ${S('src', i32('add', L('x'), i32('shl', i32('mul', i32('add', i32('mul', i32('add', i32('mul', L('n'), L('H')), L('r')), L('W')), L('w0')), L('C')), C(2))))}
          (memory.copy ${i32('add', L('dst'), L('c0'))} ${L('src')} ${i32('sub', L('c1'), L('c0'))})
          (memory.fill ${i32('add', L('dst'), L('c1'))} (i32.const 0) ${i32('sub', L('row'), L('c1'))})))
      ${S('g', i32('add', L('g'), C(1)))}
      (br $gLoop))))`;

const exportsFor = (m) => {
  const a2 = (m + 2) ** 2;
  return `
  (func (export "winoConv${m}")
    (param $xp i32) (param $U i32) (param $bias i32) (param $out i32) (param $V i32) (param $M i32)
    (param $N i32) (param $Ci i32) (param $Co i32) (param $Ho i32) (param $Wo i32) (param $Tb i32)
    (param $hasBias i32) (param $relu i32) (param $b0 i32) (param $b1 i32)
    (local $th i32) (local $tw i32) (local $T i32) (local $blk i32) (local $t0 i32) (local $nt i32) (local $ntr i32)
    ${S('th', i32('div_u', i32('add', L('Ho'), C(m - 1)), C(m)))}
    ${S('tw', i32('div_u', i32('add', L('Wo'), C(m - 1)), C(m)))}
    ${S('T', i32('mul', L('N'), i32('mul', L('th'), L('tw'))))}
    ${S('blk', L('b0'))}
    (block $done (loop $bLoop
      (br_if $done (i32.ge_s ${L('blk')} ${L('b1')}))
      ${S('t0', i32('mul', L('blk'), L('Tb')))}
      ${S('nt', i32('sub', L('T'), L('t0')))}
      (if (i32.gt_s ${L('nt')} ${L('Tb')}) (then ${S('nt', L('Tb'))}))
      ${S('ntr', i32('and', i32('add', L('nt'), C(3)), C(-4)))}
      ;; the transforms park their intermediate values in the scratch part not in use at the time
      (call $inputTransform${m} ${['xp', 'V', 'Ci', 'Tb', 'th', 'tw', 'T', 't0', 'ntr', 'M'].map(L).join(' ')})
      (call $gemmForward ${['V', 'U', 'M', 'Ci', 'Co', 'Tb', 'ntr'].map(L).join(' ')} ${C(a2)})
      (call $outputTransform${m} ${['M', 'bias', 'out', 'Co', 'Tb', 'th', 'tw', 'Ho', 'Wo', 'T', 't0', 'nt', 'hasBias', 'relu', 'V'].map(L).join(' ')})
      ${S('blk', i32('add', L('blk'), C(1)))}
      (br $bLoop))))

  (func (export "winoFilterGrad${m}")
    (param $xp i32) (param $dyp i32) (param $G i32) (param $V i32) (param $D i32)
    (param $N i32) (param $Ci i32) (param $Co i32) (param $Ho i32) (param $Wo i32) (param $Tb i32)
    (param $K i32) (param $k0 i32) (param $k1 i32)
    (local $th i32) (local $tw i32) (local $T i32) (local $nB i32) (local $k i32) (local $blk i32) (local $bEnd i32)
    (local $t0 i32) (local $nt i32) (local $ntr i32) (local $gK i32) (local $gSize i32)
    ${S('th', i32('div_u', i32('add', L('Ho'), C(m - 1)), C(m)))}
    ${S('tw', i32('div_u', i32('add', L('Wo'), C(m - 1)), C(m)))}
    ${S('T', i32('mul', L('N'), i32('mul', L('th'), L('tw'))))}
    ${S('nB', i32('div_u', i32('sub', i32('add', L('T'), L('Tb')), C(1)), L('Tb')))}
    ${S('gSize', i32('shl', i32('mul', C(a2), i32('mul', L('Ci'), L('Co'))), C(2)))}
    ${S('k', L('k0'))}
    (block $kDone (loop $kLoop
      (br_if $kDone (i32.ge_s ${L('k')} ${L('k1')}))
      ${S('gK', i32('add', L('G'), i32('mul', L('k'), L('gSize'))))}
      (memory.fill ${L('gK')} (i32.const 0) ${L('gSize')})
      ${S('blk', i32('div_u', i32('mul', L('k'), L('nB')), L('K')))}
      ${S('bEnd', i32('div_u', i32('mul', i32('add', L('k'), C(1)), L('nB')), L('K')))}
      (block $bDone (loop $bLoop
        (br_if $bDone (i32.ge_s ${L('blk')} ${L('bEnd')}))
        ${S('t0', i32('mul', L('blk'), L('Tb')))}
        ${S('nt', i32('sub', L('T'), L('t0')))}
        (if (i32.gt_s ${L('nt')} ${L('Tb')}) (then ${S('nt', L('Tb'))}))
        ${S('ntr', i32('and', i32('add', L('nt'), C(3)), C(-4)))}
        (call $inputTransform${m} ${['xp', 'V', 'Ci', 'Tb', 'th', 'tw', 'T', 't0', 'ntr', 'D'].map(L).join(' ')})
        ;; its tmp buffer: the 1 KiB after D in this thread's scratch
        (call $dyTransform${m} ${['dyp', 'D', 'Co', 'Tb', 'th', 'tw', 'T', 't0', 'ntr'].map(L).join(' ')} ${i32('add', L('D'), i32('mul', C(a2 * 4), i32('mul', L('Tb'), L('Co'))))})
        (call $gemmFilter ${['V', 'D', 'gK', 'Ci', 'Co', 'Tb', 'ntr'].map(L).join(' ')} ${C(a2)})
        ${S('blk', i32('add', L('blk'), C(1)))}
        (br $bLoop)))
      ${S('k', i32('add', L('k'), C(1)))}
      (br $kLoop))))`;
};

const header = `;; Winograd convolutions F(m×m, 3×3), m = 2 and 4 (3×3 filter, stride 1, NHWC, float32), on the tfjs wasm heap,
;; in wasm SIMD. Per m×m output tile and channel pair: (m + 2)² multiplies instead of 9·m² (F(2×2): 16 vs 36, 2.25×
;; fewer; F(4×4): 36 vs 144, 4× fewer, at the price of larger transforms and rounding).
;; Tiles t = (n·th + i)·tw + j cover output rows m·i .. m·i + m − 1 and the same columns (th = ⌈Ho/m⌉,
;; tw = ⌈Wo/m⌉; the overhang of other sizes reads zero padding and is not written). Tiles go in blocks of Tb (a
;; multiple of 4) through per-thread scratch (V: [E][Tb][Ci], M or D: [E][Tb][Co], E = (m + 2)²) so a block
;; stays in cache:
;; - winoConv<m> (forward; also the input gradient with the rotated filter): input transform V = Bᵀ d B, E GEMMs
;;   M[e] = V[e]·U[e] (U = G g Gᵀ packed [E][Co/8][Ci][8] by winoFilterTransform<m>), output transform Aᵀ M A + bias,
;;   ReLU. Blocks [b0, b1) let threads split the tiles; every output is computed the same way whatever the split.
;; - winoFilterGrad<m>: per chunk k of blocks (the chunks are fixed by the shape, not the threads), the partial
;;   sum G_k[e][ci][co] = Σ_tiles (Bᵀ d B)[e][ci] · (A dY Aᵀ)[e][co]; winoSumParts adds the chunks in order and
;;   winoFilterUntransform<m> takes dW = Gᵀ·G_e·G per (ci, co). So the result does not depend on the thread count.
;; GEMM register tiles as the direct kernels: 4 pixels (tiles) × 8 channels, 8 f32x4 accumulators. Needs
;; Ci % 4 == 0, Co % 8 == 0. Generated by winogradWat.mjs from the transform matrices (Lavin & Gray 2016) —
;; edit that, then run node scripts/gen-model-wasm.mjs (which writes this file and assembles it).
(module
  (import "env" "memory" (memory 1 65536 shared))`;

export const winogradWat = () => [header, inputTransform(2), inputTransform(4), outputTransform(2), outputTransform(4),
  dyTransform(2), dyTransform(4), gemmForward, gemmFilter, sumParts, padRows, exportsFor(2), exportsFor(4),
  filterTransform(2), filterTransform(4), filterUntransform(2), filterUntransform(4), ')\n'].join('\n');
