// Writes winograd.wat's text from the Winograd transform matrices (Bᵀ, Aᵀ of F(2×2, 3×3) and F(4×4, 3×3)):
// the transforms are long unrolled sums, error-prone by hand. scripts/wasm/generated.mjs calls winogradWat()
// for kernels/engine/accel/conv/winograd.wat, which it then assembles with the other kernels.
import { L, S, add, i32, C, v128locals, acc, madd } from './winogradText.mjs';
import { filterTransform, filterUntransform, inputTransform, outputTransform, dyTransform } from './winogradTransforms.mjs';

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
;; edit that, then run npm run generate (which writes this file and assembles it).
(module
  (import "env" "memory" (memory 1 65536 shared))`;

export const winogradWat = () => [header, inputTransform(2), inputTransform(4), outputTransform(2), outputTransform(4),
  dyTransform(2), dyTransform(4), gemmForward, gemmFilter, sumParts, padRows, exportsFor(2), exportsFor(4),
  filterTransform(2), filterTransform(4), filterUntransform(2), filterUntransform(4), ')\n'].join('\n');
