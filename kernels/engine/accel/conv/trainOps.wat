;; Memory-bound training-step kernels in wasm SIMD, on the tfjs wasm heap (the JS loops they replace were
;; a third of a training step once the convolutions got fast). Assembled by scripts/gen-model-wasm.mjs.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; Gradient of a 2×2, stride-2 max-pool without padding (non-overlapping windows), NHWC, C % 4 == 0:
  ;; each window's gradient goes to its first maximum in row-major order (as tf's cpu backend), the other
  ;; three get 0. Writes every input position of the Ho × Wo windows (the caller zeroes an odd last row or
  ;; column first).
  (func (export "maxPoolGrad2x2")
    (param $x i32) (param $g i32) (param $dx i32)
    (param $N i32) (param $H i32) (param $W i32) (param $C i32) (param $Ho i32) (param $Wo i32)
    (local $n i32) (local $oh i32) (local $ow i32) (local $c4 i32) (local $row i32)
    (local $p i32) (local $pEnd i32) (local $off i32) (local $gp i32)
    (local $v00 v128) (local $v01 v128) (local $v10 v128) (local $v11 v128)
    (local $m v128) (local $e v128) (local $taken v128) (local $gv v128)
    (local.set $c4 (i32.shl (local.get $C) (i32.const 2)))
    (local.set $row (i32.mul (local.get $W) (local.get $c4)))
    (local.set $gp (local.get $g))
    (local.set $n (i32.const 0))
    (block $nDone (loop $nLoop
      (br_if $nDone (i32.ge_s (local.get $n) (local.get $N)))
      (local.set $oh (i32.const 0))
      (block $hDone (loop $hLoop
        (br_if $hDone (i32.ge_s (local.get $oh) (local.get $Ho)))
        (local.set $ow (i32.const 0))
        (block $wDone (loop $wLoop
          (br_if $wDone (i32.ge_s (local.get $ow) (local.get $Wo)))
          ;; byte offset of x[n, 2·oh, 2·ow, 0]
          (local.set $off (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $H))
            (i32.shl (local.get $oh) (i32.const 1))) (local.get $W)) (i32.shl (local.get $ow) (i32.const 1))) (local.get $c4)))
          (local.set $p (local.get $off))
          (local.set $pEnd (i32.add (local.get $off) (local.get $c4)))
          (loop $cLoop
            (local.set $v00 (v128.load (i32.add (local.get $x) (local.get $p))))
            (local.set $v01 (v128.load (i32.add (i32.add (local.get $x) (local.get $p)) (local.get $c4))))
            (local.set $v10 (v128.load (i32.add (i32.add (local.get $x) (local.get $p)) (local.get $row))))
            (local.set $v11 (v128.load (i32.add (i32.add (i32.add (local.get $x) (local.get $p)) (local.get $row)) (local.get $c4))))
            (local.set $m (f32x4.max (f32x4.max (local.get $v00) (local.get $v01)) (f32x4.max (local.get $v10) (local.get $v11))))
            (local.set $gv (v128.load (local.get $gp)))
            (local.set $e (f32x4.eq (local.get $v00) (local.get $m)))
            (local.set $taken (local.get $e))
            (v128.store (i32.add (local.get $dx) (local.get $p)) (v128.and (local.get $gv) (local.get $e)))
            (local.set $e (v128.andnot (f32x4.eq (local.get $v01) (local.get $m)) (local.get $taken)))
            (local.set $taken (v128.or (local.get $taken) (local.get $e)))
            (v128.store (i32.add (i32.add (local.get $dx) (local.get $p)) (local.get $c4)) (v128.and (local.get $gv) (local.get $e)))
            (local.set $e (v128.andnot (f32x4.eq (local.get $v10) (local.get $m)) (local.get $taken)))
            (local.set $taken (v128.or (local.get $taken) (local.get $e)))
            (v128.store (i32.add (i32.add (local.get $dx) (local.get $p)) (local.get $row)) (v128.and (local.get $gv) (local.get $e)))
            (v128.store (i32.add (i32.add (i32.add (local.get $dx) (local.get $p)) (local.get $row)) (local.get $c4))
              (v128.andnot (local.get $gv) (local.get $taken)))
            (local.set $gp (i32.add (local.get $gp) (i32.const 16)))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (br_if $cLoop (i32.lt_u (local.get $p) (local.get $pEnd))))
          (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
          (br $wLoop)))
        (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
        (br $hLoop)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $nLoop))))

  ;; out[c] = scale · Σ_r x[r, c] for x [rows, C], C % 4 == 0: f32 partial sums over blocks of 64 rows,
  ;; added in f64 (acc: 8·C bytes of scratch), so long sums keep their precision.
  (func (export "channelSum")
    (param $x i32) (param $out i32) (param $acc i32) (param $rows i32) (param $C i32) (param $scale f64)
    (local $c4 i32) (local $r0 i32) (local $r1 i32) (local $c i32) (local $p i32) (local $pEnd i32)
    (local $a i32) (local $v v128)
    (local.set $c4 (i32.shl (local.get $C) (i32.const 2)))
    (memory.fill (local.get $acc) (i32.const 0) (i32.shl (local.get $C) (i32.const 3)))
    (local.set $r0 (i32.const 0))
    (block $rDone (loop $rLoop
      (br_if $rDone (i32.ge_s (local.get $r0) (local.get $rows)))
      (local.set $r1 (i32.add (local.get $r0) (i32.const 64)))
      (if (i32.gt_s (local.get $r1) (local.get $rows)) (then (local.set $r1 (local.get $rows))))
      (local.set $c (i32.const 0))
      (block $cDone (loop $cLoop
        (br_if $cDone (i32.ge_s (local.get $c) (local.get $C)))
        (local.set $v (f32x4.splat (f32.const 0)))
        (local.set $p (i32.add (local.get $x) (i32.add (i32.mul (local.get $r0) (local.get $c4)) (i32.shl (local.get $c) (i32.const 2)))))
        (local.set $pEnd (i32.add (local.get $x) (i32.add (i32.mul (local.get $r1) (local.get $c4)) (i32.shl (local.get $c) (i32.const 2)))))
        (loop $in
          (local.set $v (f32x4.add (local.get $v) (v128.load (local.get $p))))
          (local.set $p (i32.add (local.get $p) (local.get $c4)))
          (br_if $in (i32.lt_u (local.get $p) (local.get $pEnd))))
        (local.set $a (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 3))))
        (v128.store (local.get $a) (f64x2.add (v128.load (local.get $a)) (f64x2.promote_low_f32x4 (local.get $v))))
        (v128.store offset=16 (local.get $a) (f64x2.add (v128.load offset=16 (local.get $a))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $cLoop)))
      (local.set $r0 (local.get $r1))
      (br $rLoop)))
    (local.set $c (i32.const 0))
    (block $oDone (loop $oLoop
      (br_if $oDone (i32.ge_s (local.get $c) (local.get $C)))
      (f32.store (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 2)))
        (f32.demote_f64 (f64.mul (f64.load (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 3)))) (local.get $scale))))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br $oLoop))))
)
