// winograd.wat's per-tile functions: the filter transform and its inverse, and the input, output and dy
// transforms of one tile, unrolled from the matrices (winogradText.mjs).
import { L, S, add, i32, C, v128locals, lincomb, VARIANTS, XFORM_TEMPS, xform } from './winogradText.mjs';

/** U = G g Gᵀ for input channels [ci0, ci1), 4 output channels at a time; g [3][3][Ci][Co], U packed [E][Co/8][Ci][8]. */
export function filterTransform(m) {
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
export function filterUntransform(m) {
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

export const tileCoords = (m, th, tw) => `
      ${S('n', i32('div_u', L('t'), L('tt')))}
      ${S('rem', i32('sub', L('t'), i32('mul', L('n'), L('tt'))))}
      ${S('i', i32('div_u', L('rem'), L(tw)))}
      ${S('j', i32('sub', L('rem'), i32('mul', L('i'), L(tw))))}`;

/**
 * The tile loop of the input and dY transforms: for tiles t0 + tl, tl < ntr, `body` turns the a×a patch at
 * byte `base` (4 channels per step over `bytes` bytes of channels) into a² rows of `dst` (es bytes apart);
 * tiles past the last (T) get zeros.
 */
export const transformTileLoop = (m, a, dst, bytes, base, body) => `(local.set $tl (i32.const 0))
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

export function inputTransform(m) {
  const a = m + 2;
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

export function outputTransform(m) {
  const a = m + 2;
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

export function dyTransform(m) {
  const a = m + 2;
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
