;; Polyphase resampling inner loop in WebAssembly SIMD (float64): for each output t,
;;   n = floor(t·down/up), p = t·down − n·up, y[t] = Σ_j table[p][j] · x[n − leftMax + 1 + j].
;; Four partial sums by j mod 4 (two f64x2 accumulators), added as (s0 + s1) + (s2 + s3): the same
;; order as the JS path in resample.ts, so both give identical float32 outputs.
;; Source of kernels/engine/audio/resampleWasm.ts (regenerate: node scripts/gen-fft-wasm.mjs).
;; The caller owns the memory layout: the table (rows of `stride` f64, stride a multiple of 4, zero
;; padded), the input x (f64, zero padded so every tap of every requested output is inside) and the
;; f32 output.
(module
  (memory (export "memory") 1)
  (func (export "render")
    (param $table i32) (param $stride i32) (param $up i32) (param $down i32) (param $leftMax i32)
    (param $t0 i32) (param $count i32) (param $x i32) (param $xBase i32) (param $out i32)
    (local $i i32) (local $num i64) (local $n i64) (local $p i32) (local $w i32) (local $xp i32)
    (local $j i32) (local $bytes i32) (local $a0 v128) (local $a1 v128)
    (local.set $bytes (i32.shl (local.get $stride) (i32.const 3)))
    (block $done
      (br_if $done (i32.eqz (local.get $count)))
      (loop $outputs
        (local.set $num (i64.mul (i64.extend_i32_u (i32.add (local.get $t0) (local.get $i))) (i64.extend_i32_u (local.get $down))))
        (local.set $n (i64.div_u (local.get $num) (i64.extend_i32_u (local.get $up))))
        (local.set $p (i32.wrap_i64 (i64.sub (local.get $num) (i64.mul (local.get $n) (i64.extend_i32_u (local.get $up))))))
        (local.set $w (i32.add (local.get $table) (i32.mul (local.get $p) (local.get $bytes))))
        (local.set $xp (i32.add (local.get $x)
          (i32.shl (i32.sub (i32.add (i32.sub (i32.wrap_i64 (local.get $n)) (local.get $leftMax)) (i32.const 1)) (local.get $xBase)) (i32.const 3))))
        (local.set $a0 (v128.const i64x2 0 0))
        (local.set $a1 (v128.const i64x2 0 0))
        (local.set $j (i32.const 0))
        (loop $taps
          (local.set $a0 (f64x2.add (local.get $a0)
            (f64x2.mul (v128.load (i32.add (local.get $w) (local.get $j))) (v128.load (i32.add (local.get $xp) (local.get $j))))))
          (local.set $a1 (f64x2.add (local.get $a1)
            (f64x2.mul (v128.load offset=16 (i32.add (local.get $w) (local.get $j))) (v128.load offset=16 (i32.add (local.get $xp) (local.get $j))))))
          (br_if $taps (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 32))) (local.get $bytes))))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (f32.demote_f64 (f64.add
            (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0)))
            (f64.add (f64x2.extract_lane 0 (local.get $a1)) (f64x2.extract_lane 1 (local.get $a1))))))
        (br_if $outputs (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $count))))))
)
