;; Grad-CAM's combination for every patch and class at once, on the tfjs wasm heap, in wasm SIMD:
;;   out[n, p, c] = max(0, Σ_k A[n, p, k] · W[n, k, c])
;; A: [N, P, K] activations (P spatial positions); W: [N, K, C4] per-patch weights, classes padded to C4 (a
;; multiple of 4) with zeros; out: [N, P, C4]. tfjs's BatchMatMul for batch > 1 is a scalar loop on one
;; thread; this is one pass over A with 4 classes per vector (4 positions at a time share each weight load).
;; Assembled by scripts/gen-cam-wasm.mjs.
(module
  (import "env" "memory" (memory 1 65536 shared))
  (func (export "camProduct")
    (param $a i32) (param $w i32) (param $out i32) (param $N i32) (param $P i32) (param $K i32) (param $C4 i32)
    (local $n i32) (local $cb i32) (local $p i32) (local $k i32)
    (local $rowA i32) (local $wBase i32) (local $wp i32) (local $pa i32) (local $o i32)
    (local $rowBytes i32) (local $wStride i32) (local $outStride i32)
    (local $wv v128) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $zero v128)
    (local.set $rowBytes (i32.shl (local.get $K) (i32.const 2)))
    (local.set $wStride (i32.shl (local.get $C4) (i32.const 2)))
    (local.set $outStride (i32.shl (local.get $C4) (i32.const 2)))
    (local.set $zero (f32x4.splat (f32.const 0)))
    (local.set $n (i32.const 0))
    (block $nDone (loop $nLoop
      (br_if $nDone (i32.ge_s (local.get $n) (local.get $N)))
      (local.set $cb (i32.const 0))
      (block $cbDone (loop $cbLoop
        (br_if $cbDone (i32.ge_s (local.get $cb) (local.get $C4)))
        ;; W[n, 0, cb]
        (local.set $wBase (i32.add (local.get $w)
          (i32.shl (i32.add (i32.mul (i32.mul (local.get $n) (local.get $K)) (local.get $C4)) (local.get $cb)) (i32.const 2))))
        (local.set $p (i32.const 0))
        ;; four positions at a time
        (block $p4Done (loop $p4Loop
          (br_if $p4Done (i32.gt_s (i32.add (local.get $p) (i32.const 4)) (local.get $P)))
          (local.set $rowA (i32.add (local.get $a)
            (i32.mul (i32.add (i32.mul (local.get $n) (local.get $P)) (local.get $p)) (local.get $rowBytes))))
          (local.set $s0 (local.get $zero)) (local.set $s1 (local.get $zero))
          (local.set $s2 (local.get $zero)) (local.set $s3 (local.get $zero))
          (local.set $wp (local.get $wBase))
          (local.set $pa (local.get $rowA))
          (local.set $k (i32.const 0))
          (block $kDone (loop $kLoop
            (br_if $kDone (i32.ge_s (local.get $k) (local.get $K)))
            (local.set $wv (v128.load (local.get $wp)))
            (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (v128.load32_splat (local.get $pa)) (local.get $wv))))
            (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul (v128.load32_splat (i32.add (local.get $pa) (local.get $rowBytes))) (local.get $wv))))
            (local.set $s2 (f32x4.add (local.get $s2) (f32x4.mul (v128.load32_splat (i32.add (local.get $pa) (i32.shl (local.get $rowBytes) (i32.const 1)))) (local.get $wv))))
            (local.set $s3 (f32x4.add (local.get $s3) (f32x4.mul (v128.load32_splat (i32.add (local.get $pa) (i32.mul (local.get $rowBytes) (i32.const 3)))) (local.get $wv))))
            (local.set $pa (i32.add (local.get $pa) (i32.const 4)))
            (local.set $wp (i32.add (local.get $wp) (local.get $wStride)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $kLoop)))
          ;; out[n, p, cb]
          (local.set $o (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $P)) (local.get $p)) (local.get $C4)) (local.get $cb)) (i32.const 2))))
          (v128.store (local.get $o) (f32x4.max (local.get $s0) (local.get $zero)))
          (v128.store (i32.add (local.get $o) (local.get $outStride)) (f32x4.max (local.get $s1) (local.get $zero)))
          (v128.store (i32.add (local.get $o) (i32.shl (local.get $outStride) (i32.const 1))) (f32x4.max (local.get $s2) (local.get $zero)))
          (v128.store (i32.add (local.get $o) (i32.mul (local.get $outStride) (i32.const 3))) (f32x4.max (local.get $s3) (local.get $zero)))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (br $p4Loop)))
        ;; the last P mod 4 positions one by one
        (block $p1Done (loop $p1Loop
          (br_if $p1Done (i32.ge_s (local.get $p) (local.get $P)))
          (local.set $s0 (local.get $zero))
          (local.set $wp (local.get $wBase))
          (local.set $pa (i32.add (local.get $a)
            (i32.mul (i32.add (i32.mul (local.get $n) (local.get $P)) (local.get $p)) (local.get $rowBytes))))
          (local.set $k (i32.const 0))
          (block $k1Done (loop $k1Loop
            (br_if $k1Done (i32.ge_s (local.get $k) (local.get $K)))
            (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (v128.load32_splat (local.get $pa)) (v128.load (local.get $wp)))))
            (local.set $pa (i32.add (local.get $pa) (i32.const 4)))
            (local.set $wp (i32.add (local.get $wp) (local.get $wStride)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $k1Loop)))
          (local.set $o (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $P)) (local.get $p)) (local.get $C4)) (local.get $cb)) (i32.const 2))))
          (v128.store (local.get $o) (f32x4.max (local.get $s0) (local.get $zero)))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $p1Loop)))
        (local.set $cb (i32.add (local.get $cb) (i32.const 4)))
        (br $cbLoop)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $nLoop)))))
