;; |rfft 512| of four Hann-windowed 400-sample frames at once (VGGish framing), float32, WebAssembly SIMD.
;; Each v128 holds the same quantity for frames A, B, C, D (lanes 0–3), so the code reads like a scalar
;; FFT: real FFT of 512 = complex FFT of 256 (even samples real, odd imaginary) by four radix-4
;; decimation-in-time stages, then one unpacking pass to the 257 magnitudes, then the mel sums and ln.
;; Float32 as VGGish's own TensorFlow front end: four frames per instruction instead of two in float64, and
;; the log-mel stays within ≈ 5e-4 of numpy's float64 (the golden tolerance is 2e-3; fftWasm.ts).
;; Source of kernels/engine/audio/fft512Wasm.ts (regenerate: node scripts/gen-fft-wasm.mjs).
;;
;; Memory layout (bytes), filled by fftWasm.ts at start-up except RE/IM/MAG/SUMS:
;;   0      (unused)
;;   1024   WIN    400 × f32   periodic Hann
;;   4224   RE     256 × v128  real parts        8320 IM 256 × v128 imaginary parts
;;   12416  TW     stages L = 4, 16, 64: per k, W^k, W^2k, W^3k as (re, im) pairs of splatted v128 (96 B)
;;   20480  UNP    k = 0..256: cos(2πk/512), −sin(2πk/512), splatted v128 (32 B)
;;   28704  MAG    257 × v128  |X[k]| for (A, B, C, D)
;;   32816  BANDS  ≤ 256 × (first bin, bin count, byte offset of its first weight, 0) i32 — the sparse mel matrix
;;   36912  WEIGHTS ≤ 1026 × v128 f32 weights, each splatted (same value in every lane)
;;   53328  SUMS   ≤ 256 × v128 mel sums of the current four frames
;;   65536  free for the caller's samples (f32), then (frames export) its output rows (f32)
(module
  (memory (export "memory") 2)

  ;; The windowed frames (z[j] = w[2j]·x[2j] + i·w[2j+1]·x[2j+1], 0 for j ≥ 200) go straight into the first
  ;; radix-4 stage (span 1, no twiddles): output slots 4g..4g+3 combine z[j] for j = rev3(g) + 64·r,
  ;; r = 0..3 (rev3 = base-4 digit reversal of 3 digits), so nothing is stored in digit-reversed order and
  ;; read back. Samples are f32 at byte offsets xa, xb, xc, xd (lanes: frames A–D); each z[j] is one 8-byte
  ;; load per frame, and two shuffles sort the real and imaginary parts into lanes.
  (func $loadStage1 (param $xa i32) (param $xb i32) (param $xc i32) (param $xd i32)
    (local $g i32) (local $i i32) (local $rg i32) (local $a i32) (local $lo v128) (local $hi v128)
    (local $r0 v128) (local $i0 v128) (local $r1 v128) (local $i1 v128)
    (local $r2 v128) (local $i2 v128) (local $r3 v128) (local $i3 v128)
    (local $s02r v128) (local $s02i v128) (local $d02r v128) (local $d02i v128)
    (local $s13r v128) (local $s13i v128) (local $d13r v128) (local $d13i v128)
    (local.set $g (i32.const 0))
    (loop $groups
        (local.set $rg (i32.or (i32.or
          (i32.shl (i32.and (local.get $g) (i32.const 3)) (i32.const 4))
          (i32.and (local.get $g) (i32.const 12)))
          (i32.shr_u (local.get $g) (i32.const 4))))
        (local.set $a (i32.shl (local.get $rg) (i32.const 3)))
        (local.set $lo (i64x2.replace_lane 1
          (v128.load64_splat (i32.add (local.get $xa) (local.get $a))) (i64.load (i32.add (local.get $xb) (local.get $a)))))
        (local.set $hi (i64x2.replace_lane 1
          (v128.load64_splat (i32.add (local.get $xc) (local.get $a))) (i64.load (i32.add (local.get $xd) (local.get $a)))))
        (local.set $r0 (f32x4.mul (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $lo) (local.get $hi))
          (f32x4.splat (f32.load offset=1024 (local.get $a)))))
        (local.set $i0 (f32x4.mul (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $lo) (local.get $hi))
          (f32x4.splat (f32.load offset=1028 (local.get $a)))))
        (local.set $a (i32.shl (i32.add (local.get $rg) (i32.const 64)) (i32.const 3)))
        (local.set $lo (i64x2.replace_lane 1
          (v128.load64_splat (i32.add (local.get $xa) (local.get $a))) (i64.load (i32.add (local.get $xb) (local.get $a)))))
        (local.set $hi (i64x2.replace_lane 1
          (v128.load64_splat (i32.add (local.get $xc) (local.get $a))) (i64.load (i32.add (local.get $xd) (local.get $a)))))
        (local.set $r1 (f32x4.mul (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $lo) (local.get $hi))
          (f32x4.splat (f32.load offset=1024 (local.get $a)))))
        (local.set $i1 (f32x4.mul (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $lo) (local.get $hi))
          (f32x4.splat (f32.load offset=1028 (local.get $a)))))
        (local.set $a (i32.shl (i32.add (local.get $rg) (i32.const 128)) (i32.const 3)))
        (local.set $lo (i64x2.replace_lane 1
          (v128.load64_splat (i32.add (local.get $xa) (local.get $a))) (i64.load (i32.add (local.get $xb) (local.get $a)))))
        (local.set $hi (i64x2.replace_lane 1
          (v128.load64_splat (i32.add (local.get $xc) (local.get $a))) (i64.load (i32.add (local.get $xd) (local.get $a)))))
        (local.set $r2 (f32x4.mul (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $lo) (local.get $hi))
          (f32x4.splat (f32.load offset=1024 (local.get $a)))))
        (local.set $i2 (f32x4.mul (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $lo) (local.get $hi))
          (f32x4.splat (f32.load offset=1028 (local.get $a)))))
        ;; z[192 + rg] exists for rg < 8 only (j < 200); above it is the zero padding.
        (local.set $r3 (v128.const i64x2 0 0))
        (local.set $i3 (v128.const i64x2 0 0))
        (if (i32.lt_u (local.get $rg) (i32.const 8))
          (then
            (local.set $a (i32.shl (i32.add (local.get $rg) (i32.const 192)) (i32.const 3)))
            (local.set $lo (i64x2.replace_lane 1
              (v128.load64_splat (i32.add (local.get $xa) (local.get $a))) (i64.load (i32.add (local.get $xb) (local.get $a)))))
            (local.set $hi (i64x2.replace_lane 1
              (v128.load64_splat (i32.add (local.get $xc) (local.get $a))) (i64.load (i32.add (local.get $xd) (local.get $a)))))
            (local.set $r3 (f32x4.mul (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $lo) (local.get $hi))
              (f32x4.splat (f32.load offset=1024 (local.get $a)))))
            (local.set $i3 (f32x4.mul (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $lo) (local.get $hi))
              (f32x4.splat (f32.load offset=1028 (local.get $a)))))
          ))
        (local.set $s02r (f32x4.add (local.get $r0) (local.get $r2)))
        (local.set $s02i (f32x4.add (local.get $i0) (local.get $i2)))
        (local.set $d02r (f32x4.sub (local.get $r0) (local.get $r2)))
        (local.set $d02i (f32x4.sub (local.get $i0) (local.get $i2)))
        (local.set $s13r (f32x4.add (local.get $r1) (local.get $r3)))
        (local.set $s13i (f32x4.add (local.get $i1) (local.get $i3)))
        (local.set $d13r (f32x4.sub (local.get $r1) (local.get $r3)))
        (local.set $d13i (f32x4.sub (local.get $i1) (local.get $i3)))
        (local.set $i (i32.shl (local.get $g) (i32.const 6)))
        (v128.store offset=4224 (local.get $i) (f32x4.add (local.get $s02r) (local.get $s13r)))
        (v128.store offset=8320 (local.get $i) (f32x4.add (local.get $s02i) (local.get $s13i)))
        (v128.store offset=4256 (local.get $i) (f32x4.sub (local.get $s02r) (local.get $s13r)))
        (v128.store offset=8352 (local.get $i) (f32x4.sub (local.get $s02i) (local.get $s13i)))
        (v128.store offset=4240 (local.get $i) (f32x4.add (local.get $d02r) (local.get $d13i)))
        (v128.store offset=8336 (local.get $i) (f32x4.sub (local.get $d02i) (local.get $d13r)))
        (v128.store offset=4272 (local.get $i) (f32x4.sub (local.get $d02r) (local.get $d13i)))
        (v128.store offset=8368 (local.get $i) (f32x4.add (local.get $d02i) (local.get $d13r)))
      (br_if $groups (i32.lt_u (local.tee $g (i32.add (local.get $g) (i32.const 1))) (i32.const 64)))))

  ;; A radix-4 stage combining sub-DFTs of span L (lb = 16·L bytes); twiddles from byte offset tw.
  (func $stage (param $lb i32) (param $tw i32)
    (local $start i32) (local $k i32) (local $t i32) (local $a i32)
    (local $r0 v128) (local $i0 v128) (local $r1 v128) (local $i1 v128)
    (local $r2 v128) (local $i2 v128) (local $r3 v128) (local $i3 v128)
    (local $xr v128) (local $xi v128) (local $wr v128) (local $wi v128)
    (local $s02r v128) (local $s02i v128) (local $d02r v128) (local $d02i v128)
    (local $s13r v128) (local $s13i v128) (local $d13r v128) (local $d13i v128)
    (local.set $start (i32.const 0))
    (loop $blocks
      (local.set $k (i32.const 0))
      (local.set $t (local.get $tw))
      (loop $ks
        (local.set $a (i32.add (local.get $start) (local.get $k)))
        (local.set $r0 (v128.load offset=4224 (local.get $a)))
        (local.set $i0 (v128.load offset=8320 (local.get $a)))
        ;; x1 · W^k
        (local.set $a (i32.add (local.get $a) (local.get $lb)))
        (local.set $xr (v128.load offset=4224 (local.get $a)))
        (local.set $xi (v128.load offset=8320 (local.get $a)))
        (local.set $wr (v128.load (local.get $t)))
        (local.set $wi (v128.load offset=16 (local.get $t)))
        (local.set $r1 (f32x4.sub (f32x4.mul (local.get $xr) (local.get $wr)) (f32x4.mul (local.get $xi) (local.get $wi))))
        (local.set $i1 (f32x4.add (f32x4.mul (local.get $xr) (local.get $wi)) (f32x4.mul (local.get $xi) (local.get $wr))))
        ;; x2 · W^2k
        (local.set $a (i32.add (local.get $a) (local.get $lb)))
        (local.set $xr (v128.load offset=4224 (local.get $a)))
        (local.set $xi (v128.load offset=8320 (local.get $a)))
        (local.set $wr (v128.load offset=32 (local.get $t)))
        (local.set $wi (v128.load offset=48 (local.get $t)))
        (local.set $r2 (f32x4.sub (f32x4.mul (local.get $xr) (local.get $wr)) (f32x4.mul (local.get $xi) (local.get $wi))))
        (local.set $i2 (f32x4.add (f32x4.mul (local.get $xr) (local.get $wi)) (f32x4.mul (local.get $xi) (local.get $wr))))
        ;; x3 · W^3k
        (local.set $a (i32.add (local.get $a) (local.get $lb)))
        (local.set $xr (v128.load offset=4224 (local.get $a)))
        (local.set $xi (v128.load offset=8320 (local.get $a)))
        (local.set $wr (v128.load offset=64 (local.get $t)))
        (local.set $wi (v128.load offset=80 (local.get $t)))
        (local.set $r3 (f32x4.sub (f32x4.mul (local.get $xr) (local.get $wr)) (f32x4.mul (local.get $xi) (local.get $wi))))
        (local.set $i3 (f32x4.add (f32x4.mul (local.get $xr) (local.get $wi)) (f32x4.mul (local.get $xi) (local.get $wr))))
        (local.set $s02r (f32x4.add (local.get $r0) (local.get $r2)))
        (local.set $s02i (f32x4.add (local.get $i0) (local.get $i2)))
        (local.set $d02r (f32x4.sub (local.get $r0) (local.get $r2)))
        (local.set $d02i (f32x4.sub (local.get $i0) (local.get $i2)))
        (local.set $s13r (f32x4.add (local.get $r1) (local.get $r3)))
        (local.set $s13i (f32x4.add (local.get $i1) (local.get $i3)))
        (local.set $d13r (f32x4.sub (local.get $r1) (local.get $r3)))
        (local.set $d13i (f32x4.sub (local.get $i1) (local.get $i3)))
        (local.set $a (i32.add (local.get $start) (local.get $k)))
        (v128.store offset=4224 (local.get $a) (f32x4.add (local.get $s02r) (local.get $s13r)))
        (v128.store offset=8320 (local.get $a) (f32x4.add (local.get $s02i) (local.get $s13i)))
        (local.set $a (i32.add (local.get $a) (local.get $lb)))
        (v128.store offset=4224 (local.get $a) (f32x4.add (local.get $d02r) (local.get $d13i)))
        (v128.store offset=8320 (local.get $a) (f32x4.sub (local.get $d02i) (local.get $d13r)))
        (local.set $a (i32.add (local.get $a) (local.get $lb)))
        (v128.store offset=4224 (local.get $a) (f32x4.sub (local.get $s02r) (local.get $s13r)))
        (v128.store offset=8320 (local.get $a) (f32x4.sub (local.get $s02i) (local.get $s13i)))
        (local.set $a (i32.add (local.get $a) (local.get $lb)))
        (v128.store offset=4224 (local.get $a) (f32x4.sub (local.get $d02r) (local.get $d13i)))
        (v128.store offset=8320 (local.get $a) (f32x4.add (local.get $d02i) (local.get $d13r)))
        (local.set $t (i32.add (local.get $t) (i32.const 96)))
        (br_if $ks (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 16))) (local.get $lb))))
      (br_if $blocks (i32.lt_u
        (local.tee $start (i32.add (local.get $start) (i32.shl (local.get $lb) (i32.const 2))))
        (i32.const 4096)))))

  ;; Unpack Z (256 complex) to |X[k]| and (when mirror ≠ 0) |X[256 − k]| for k = lo..hi (1 ≤ lo ≤ hi ≤ 128),
  ;; plus k = 0 and 256.
  ;; With C = conj Z[256 − k], E = Z[k] + C, O = −i(Z[k] − C) and T = W^k·O (W = e^(−2πi/512)):
  ;; X[k] = (E + T)/2 and X[256 − k] = conj(E − T)/2, so one pass over k ≤ 128 gives both bins of each
  ;; mirrored pair from the same loads and the same twiddle product (fftWasm.ts maps the bins a filterbank
  ;; reads to lo..hi).
  (func $unpack (param $lo i32) (param $hi i32) (param $mirror i32)
    (local $k i32) (local $a i32) (local $b i32)
    (local $zr v128) (local $zi v128) (local $cr v128) (local $ci v128)
    (local $er v128) (local $ei v128) (local $or v128) (local $oi v128)
    (local $wr v128) (local $wi v128) (local $tr v128) (local $ti v128) (local $xr v128) (local $xi v128)
    (local.set $k (local.get $lo))
    (block $done
      (br_if $done (i32.gt_u (local.get $k) (local.get $hi)))
      ;; Two copies of the loop (with and without the mirrored bin): a branch inside made V8 keep fewer
      ;; values in registers.
      (if (local.get $mirror)
        (then
          (loop $both
            (local.set $a (i32.shl (local.get $k) (i32.const 4)))
            (local.set $b (i32.shl (i32.sub (i32.const 256) (local.get $k)) (i32.const 4)))
            (local.set $zr (v128.load offset=4224 (local.get $a)))
            (local.set $zi (v128.load offset=8320 (local.get $a)))
            (local.set $cr (v128.load offset=4224 (local.get $b)))
            (local.set $ci (f32x4.neg (v128.load offset=8320 (local.get $b))))
            (local.set $er (f32x4.add (local.get $zr) (local.get $cr)))
            (local.set $ei (f32x4.add (local.get $zi) (local.get $ci)))
            (local.set $or (f32x4.sub (local.get $zi) (local.get $ci)))
            (local.set $oi (f32x4.sub (local.get $cr) (local.get $zr)))
            (local.set $wr (v128.load offset=20480 (i32.shl (local.get $k) (i32.const 5))))
            (local.set $wi (v128.load offset=20496 (i32.shl (local.get $k) (i32.const 5))))
            (local.set $tr (f32x4.sub (f32x4.mul (local.get $or) (local.get $wr)) (f32x4.mul (local.get $oi) (local.get $wi))))
            (local.set $ti (f32x4.add (f32x4.mul (local.get $or) (local.get $wi)) (f32x4.mul (local.get $oi) (local.get $wr))))
            ;; |X[256 − k]| first: at k = 128 both are the same bin, and X[k]'s formula is the one kept.
            (local.set $xr (f32x4.sub (local.get $er) (local.get $tr)))
            (local.set $xi (f32x4.sub (local.get $ei) (local.get $ti)))
            (v128.store offset=28704 (local.get $b)
              (f32x4.mul (v128.const f32x4 0.5 0.5 0.5 0.5)
                (f32x4.sqrt (f32x4.add (f32x4.mul (local.get $xr) (local.get $xr)) (f32x4.mul (local.get $xi) (local.get $xi))))))
            (local.set $xr (f32x4.add (local.get $er) (local.get $tr)))
            (local.set $xi (f32x4.add (local.get $ei) (local.get $ti)))
            (v128.store offset=28704 (local.get $a)
              (f32x4.mul (v128.const f32x4 0.5 0.5 0.5 0.5)
                (f32x4.sqrt (f32x4.add (f32x4.mul (local.get $xr) (local.get $xr)) (f32x4.mul (local.get $xi) (local.get $xi))))))
            (br_if $both (i32.le_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $hi)))))
        (else
          (loop $single
            (local.set $a (i32.shl (local.get $k) (i32.const 4)))
            (local.set $b (i32.shl (i32.sub (i32.const 256) (local.get $k)) (i32.const 4)))
            (local.set $zr (v128.load offset=4224 (local.get $a)))
            (local.set $zi (v128.load offset=8320 (local.get $a)))
            (local.set $cr (v128.load offset=4224 (local.get $b)))
            (local.set $ci (f32x4.neg (v128.load offset=8320 (local.get $b))))
            (local.set $er (f32x4.add (local.get $zr) (local.get $cr)))
            (local.set $ei (f32x4.add (local.get $zi) (local.get $ci)))
            (local.set $or (f32x4.sub (local.get $zi) (local.get $ci)))
            (local.set $oi (f32x4.sub (local.get $cr) (local.get $zr)))
            (local.set $wr (v128.load offset=20480 (i32.shl (local.get $k) (i32.const 5))))
            (local.set $wi (v128.load offset=20496 (i32.shl (local.get $k) (i32.const 5))))
            (local.set $tr (f32x4.sub (f32x4.mul (local.get $or) (local.get $wr)) (f32x4.mul (local.get $oi) (local.get $wi))))
            (local.set $ti (f32x4.add (f32x4.mul (local.get $or) (local.get $wi)) (f32x4.mul (local.get $oi) (local.get $wr))))
            (local.set $xr (f32x4.add (local.get $er) (local.get $tr)))
            (local.set $xi (f32x4.add (local.get $ei) (local.get $ti)))
            (v128.store offset=28704 (local.get $a)
              (f32x4.mul (v128.const f32x4 0.5 0.5 0.5 0.5)
                (f32x4.sqrt (f32x4.add (f32x4.mul (local.get $xr) (local.get $xr)) (f32x4.mul (local.get $xi) (local.get $xi))))))
            (br_if $single (i32.le_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $hi)))))))
    (v128.store offset=28704 (i32.const 0)
      (f32x4.abs (f32x4.add (v128.load offset=4224 (i32.const 0)) (v128.load offset=8320 (i32.const 0)))))
    (v128.store offset=28704 (i32.const 4096)
      (f32x4.abs (f32x4.sub (v128.load offset=4224 (i32.const 0)) (v128.load offset=8320 (i32.const 0))))))

  ;; |rfft 512| of the windowed frames at byte offsets xa–xd into MAG (the bins of k = lo..hi, with
  ;; mirror ≠ 0 also 256 − k, and 0, 256).
  (func $quad (export "quad") (param $xa i32) (param $xb i32) (param $xc i32) (param $xd i32) (param $lo i32) (param $hi i32) (param $mirror i32)
    (call $loadStage1 (local.get $xa) (local.get $xb) (local.get $xc) (local.get $xd))
    (call $stage (i32.const 64) (i32.const 12416))
    (call $stage (i32.const 256) (i32.const 12800))
    (call $stage (i32.const 1024) (i32.const 14336))
    (call $unpack (local.get $lo) (local.get $hi) (local.get $mirror)))

  ;; Log-mel rows of `count` frames (hop 160 samples = 640 bytes) of the f32 samples at byte offset x, into
  ;; f32 rows of `bands` at byte offset out: the whole loop in wasm, so JS pays one call and one copy per
  ;; chunk. Past the last frame the lanes repeat it (computed again, written again: the same values).
  (func (export "frames") (param $x i32) (param $count i32) (param $lo i32) (param $hi i32) (param $mirror i32) (param $bands i32) (param $out i32)
    (local $f i32) (local $last i32) (local $fb i32) (local $fc i32) (local $fd i32) (local $row i32)
    (local.set $row (i32.shl (local.get $bands) (i32.const 2)))
    (local.set $last (i32.sub (local.get $count) (i32.const 1)))
    (block $done
      (br_if $done (i32.le_s (local.get $count) (i32.const 0)))
      (loop $quads
        (local.set $fb (select (i32.add (local.get $f) (i32.const 1)) (local.get $last)
          (i32.lt_s (i32.add (local.get $f) (i32.const 1)) (local.get $count))))
        (local.set $fc (select (i32.add (local.get $f) (i32.const 2)) (local.get $last)
          (i32.lt_s (i32.add (local.get $f) (i32.const 2)) (local.get $count))))
        (local.set $fd (select (i32.add (local.get $f) (i32.const 3)) (local.get $last)
          (i32.lt_s (i32.add (local.get $f) (i32.const 3)) (local.get $count))))
        (call $quad
          (i32.add (local.get $x) (i32.mul (local.get $f) (i32.const 640)))
          (i32.add (local.get $x) (i32.mul (local.get $fb) (i32.const 640)))
          (i32.add (local.get $x) (i32.mul (local.get $fc) (i32.const 640)))
          (i32.add (local.get $x) (i32.mul (local.get $fd) (i32.const 640)))
          (local.get $lo) (local.get $hi) (local.get $mirror))
        (call $melLogTo (local.get $bands)
          (i32.add (local.get $out) (i32.mul (local.get $f) (local.get $row)))
          (i32.add (local.get $out) (i32.mul (local.get $fb) (local.get $row)))
          (i32.add (local.get $out) (i32.mul (local.get $fc) (local.get $row)))
          (i32.add (local.get $out) (i32.mul (local.get $fd) (local.get $row))))
        (br_if $quads (i32.lt_s (local.tee $f (i32.add (local.get $f) (i32.const 4))) (local.get $count))))))

  ;; ln(mel + 0.01) of the four frames' spectra in MAG, as f32 rows at byte offsets outA–outD. Two passes:
  ;; band b sums weight × |X[k]| over its bins into SUMS (weights stored splatted, so each is one v128
  ;; load), then ln of every sum. The ln pass's iterations are independent, so the CPU overlaps them (one
  ;; pass doing both waited on each band's add chain, then on its division).
  (func $melLogTo (param $bands i32) (param $outA i32) (param $outB i32) (param $outC i32) (param $outD i32)
    (local $b i32) (local $t i32) (local $k i32) (local $end i32) (local $w i32) (local $at i32) (local $s v128)
    (local $x v128) (local $e v128) (local $m v128) (local $big v128) (local $z v128) (local $p v128)
    (local.set $b (i32.const 0))
    (block $done
      (br_if $done (i32.eqz (local.get $bands)))
      (loop $band
        (local.set $t (i32.add (i32.const 32816) (i32.shl (local.get $b) (i32.const 4))))
        (local.set $k (i32.shl (i32.load (local.get $t)) (i32.const 4)))
        (local.set $end (i32.add (local.get $k) (i32.shl (i32.load offset=4 (local.get $t)) (i32.const 4))))
        (local.set $w (i32.load offset=8 (local.get $t)))
        (local.set $s (v128.const i64x2 0 0))
        (block $empty
          (br_if $empty (i32.ge_u (local.get $k) (local.get $end)))
          (loop $bin
            (local.set $s (f32x4.add (local.get $s)
              (f32x4.mul (v128.load (local.get $w)) (v128.load offset=28704 (local.get $k)))))
            (local.set $w (i32.add (local.get $w) (i32.const 16)))
            (br_if $bin (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 16))) (local.get $end)))))
        (v128.store offset=53328 (i32.shl (local.get $b) (i32.const 4)) (local.get $s))
        (br_if $band (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $bands))))
      (local.set $b (i32.const 0))
      (loop $lnBand
        (local.set $x (f32x4.add (v128.load offset=53328 (i32.shl (local.get $b) (i32.const 4))) (v128.const f32x4 0.01 0.01 0.01 0.01)))
        ;; ln x, x ≥ 0.01 (finite, normal): x = m·2^e with m in [√½, √2), ln m = 2 atanh(s), s = (m−1)/(m+1),
        ;; |s| < 0.172, series to s^9: truncation < 1e-9, below the float32 rounding of the output.
        (local.set $e (f32x4.convert_i32x4_s
          (i32x4.sub (i32x4.shr_u (local.get $x) (i32.const 23)) (v128.const i32x4 127 127 127 127))))
        (local.set $m (v128.or
          (v128.and (local.get $x) (v128.const i32x4 0x007fffff 0x007fffff 0x007fffff 0x007fffff))
          (v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000)))
        (local.set $big (f32x4.gt (local.get $m) (v128.const f32x4 1.4142135 1.4142135 1.4142135 1.4142135)))
        (local.set $m (v128.bitselect (f32x4.mul (local.get $m) (v128.const f32x4 0.5 0.5 0.5 0.5)) (local.get $m) (local.get $big)))
        (local.set $e (f32x4.add (local.get $e) (v128.and (local.get $big) (v128.const f32x4 1 1 1 1))))
        (local.set $s (f32x4.div
          (f32x4.sub (local.get $m) (v128.const f32x4 1 1 1 1))
          (f32x4.add (local.get $m) (v128.const f32x4 1 1 1 1))))
        (local.set $z (f32x4.mul (local.get $s) (local.get $s)))
        (local.set $p (v128.const f32x4 0.11111111 0.11111111 0.11111111 0.11111111))
        (local.set $p (f32x4.add (v128.const f32x4 0.14285715 0.14285715 0.14285715 0.14285715) (f32x4.mul (local.get $z) (local.get $p))))
        (local.set $p (f32x4.add (v128.const f32x4 0.2 0.2 0.2 0.2) (f32x4.mul (local.get $z) (local.get $p))))
        (local.set $p (f32x4.add (v128.const f32x4 0.33333334 0.33333334 0.33333334 0.33333334) (f32x4.mul (local.get $z) (local.get $p))))
        (local.set $p (f32x4.add (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $z) (local.get $p))))
        (local.set $x (f32x4.add
          (f32x4.mul (local.get $e) (v128.const f32x4 0.6931472 0.6931472 0.6931472 0.6931472))
          (f32x4.mul (f32x4.add (local.get $s) (local.get $s)) (local.get $p))))
        (local.set $at (i32.shl (local.get $b) (i32.const 2)))
        (f32.store (i32.add (local.get $outA) (local.get $at)) (f32x4.extract_lane 0 (local.get $x)))
        (f32.store (i32.add (local.get $outB) (local.get $at)) (f32x4.extract_lane 1 (local.get $x)))
        (f32.store (i32.add (local.get $outC) (local.get $at)) (f32x4.extract_lane 2 (local.get $x)))
        (f32.store (i32.add (local.get $outD) (local.get $at)) (f32x4.extract_lane 3 (local.get $x)))
        (br_if $lnBand (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $bands))))))
)
