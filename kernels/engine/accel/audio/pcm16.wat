;; 16-bit PCM → mono float32 in WebAssembly SIMD, for the common big files (mono and stereo): eight
;; samples a step instead of one. Exactly the values of the JS loops in wav.ts: an int16 (or the int32 sum
;; of a stereo pair) converts to f32 exactly and the scale is a power of two (2^-15 mono, 2^-16 for the
;; mean of two channels), so nothing rounds.
;; Source of kernels/engine/audio/pcm16Wasm.ts (regenerate: node scripts/gen-fft-wasm.mjs).
;; The caller owns the memory layout: `frames` sample frames of little-endian int16 at byte offset src,
;; f32 output at byte offset dst (not overlapping).
(module
  (memory (export "memory") 1)

  ;; y[i] = x[i] / 32768
  (func (export "mono") (param $src i32) (param $frames i32) (param $dst i32)
    (local $i i32) (local $v v128)
    (block $vecDone
      (br_if $vecDone (i32.lt_u (local.get $frames) (i32.const 8)))
      (loop $vec
        (local.set $v (v128.load (i32.add (local.get $src) (i32.shl (local.get $i) (i32.const 1)))))
        (v128.store (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2)))
          (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (local.get $v))) (v128.const f32x4 0x1p-15 0x1p-15 0x1p-15 0x1p-15)))
        (v128.store offset=16 (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2)))
          (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (local.get $v))) (v128.const f32x4 0x1p-15 0x1p-15 0x1p-15 0x1p-15)))
        (br_if $vec (i32.le_u (local.tee $i (i32.add (local.get $i) (i32.const 8))) (i32.sub (local.get $frames) (i32.const 8))))))
    (block $done
      (br_if $done (i32.ge_u (local.get $i) (local.get $frames)))
      (loop $tail
        (f32.store (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2)))
          (f32.mul (f32.convert_i32_s (i32.load16_s (i32.add (local.get $src) (i32.shl (local.get $i) (i32.const 1))))) (f32.const 0x1p-15)))
        (br_if $tail (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $frames))))))

  ;; y[i] = (left[i] + right[i]) / 65536 (the mean of the two channels)
  (func (export "stereo") (param $src i32) (param $frames i32) (param $dst i32)
    (local $i i32)
    (block $vecDone
      (br_if $vecDone (i32.lt_u (local.get $frames) (i32.const 4)))
      (loop $vec
        (v128.store (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2)))
          (f32x4.mul
            (f32x4.convert_i32x4_s (i32x4.extadd_pairwise_i16x8_s (v128.load (i32.add (local.get $src) (i32.shl (local.get $i) (i32.const 2))))))
            (v128.const f32x4 0x1p-16 0x1p-16 0x1p-16 0x1p-16)))
        (br_if $vec (i32.le_u (local.tee $i (i32.add (local.get $i) (i32.const 4))) (i32.sub (local.get $frames) (i32.const 4))))))
    (block $done
      (br_if $done (i32.ge_u (local.get $i) (local.get $frames)))
      (loop $tail
        (f32.store (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2)))
          (f32.mul
            (f32.convert_i32_s (i32.add
              (i32.load16_s (i32.add (local.get $src) (i32.shl (local.get $i) (i32.const 2))))
              (i32.load16_s offset=2 (i32.add (local.get $src) (i32.shl (local.get $i) (i32.const 2))))))
            (f32.const 0x1p-16)))
        (br_if $tail (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $frames))))))
)
