;; Conv2D filter gradient (stride 1, NHWC) straight on the tfjs wasm heap, in wasm SIMD:
;;   dW[a, b, ci, co] += Σ_{n, oh, ow} x[n, oh + a − top, ow + b − left, ci] · dy[n, oh, ow, co]
;; (taps outside x are zero padding and skipped). Register tile: 4 input channels × 8 output channels
;; (8 f32x4 accumulators); the pixels are walked in blocks of R output rows of one image so the x and dy
;; rows of a block stay in cache while every tap and tile passes over them.
;; Needs Ci % 4 == 0 and (co1 − co0) % 8 == 0; [co0, co1) lets two threads split the output channels.
;; Each output's sum runs in the same order whatever the split: results do not depend on the threads.
;; `out` must be zeroed (or hold a sum to add to). Assembled by scripts/gen-model-wasm.mjs.
(module
  (import "env" "memory" (memory 1 65536 shared))
  (func (export "filterGrad")
    (param $x i32) (param $dy i32) (param $out i32)
    (param $N i32) (param $H i32) (param $W i32) (param $Ci i32)
    (param $Ho i32) (param $Wo i32) (param $Co i32)
    (param $KH i32) (param $KW i32) (param $top i32) (param $left i32)
    (param $co0 i32) (param $co1 i32) (param $R i32)
    (local $n i32) (local $r0 i32) (local $rEnd i32) (local $a i32) (local $b i32)
    (local $ohLo i32) (local $ohHi i32) (local $owLo i32) (local $owHi i32)
    (local $ci i32) (local $co i32) (local $oh i32)
    (local $op i32) (local $co4 i32) (local $ci4 i32) (local $xs i32)
    (local $xp i32) (local $dp i32) (local $dEnd i32) (local $span i32)
    (local $o1 i32) (local $o2 i32) (local $o3 i32)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local $d0 v128) (local $d1 v128) (local $s v128)
    (local.set $co4 (i32.shl (local.get $Co) (i32.const 2)))
    (local.set $ci4 (i32.shl (local.get $Ci) (i32.const 2)))
    (local.set $n (i32.const 0))
    (block $nDone (loop $nLoop
      (br_if $nDone (i32.ge_s (local.get $n) (local.get $N)))
      (local.set $r0 (i32.const 0))
      (block $rDone (loop $rLoop
        (br_if $rDone (i32.ge_s (local.get $r0) (local.get $Ho)))
        (local.set $rEnd (i32.add (local.get $r0) (local.get $R)))
        (if (i32.gt_s (local.get $rEnd) (local.get $Ho)) (then (local.set $rEnd (local.get $Ho))))
        (local.set $a (i32.const 0))
        (block $aDone (loop $aLoop
          (br_if $aDone (i32.ge_s (local.get $a) (local.get $KH)))
          ;; rows with 0 <= oh + a − top < H
          (local.set $ohLo (i32.sub (local.get $top) (local.get $a)))
          (if (i32.lt_s (local.get $ohLo) (local.get $r0)) (then (local.set $ohLo (local.get $r0))))
          (local.set $ohHi (i32.add (local.get $H) (i32.sub (local.get $top) (local.get $a))))
          (if (i32.gt_s (local.get $ohHi) (local.get $rEnd)) (then (local.set $ohHi (local.get $rEnd))))
          (if (i32.lt_s (local.get $ohLo) (local.get $ohHi)) (then
            (local.set $b (i32.const 0))
            (block $bDone (loop $bLoop
              (br_if $bDone (i32.ge_s (local.get $b) (local.get $KW)))
              (local.set $owLo (i32.sub (local.get $left) (local.get $b)))
              (if (i32.lt_s (local.get $owLo) (i32.const 0)) (then (local.set $owLo (i32.const 0))))
              (local.set $owHi (i32.add (local.get $W) (i32.sub (local.get $left) (local.get $b))))
              (if (i32.gt_s (local.get $owHi) (local.get $Wo)) (then (local.set $owHi (local.get $Wo))))
              (if (i32.lt_s (local.get $owLo) (local.get $owHi)) (then
                (local.set $span (i32.mul (i32.sub (local.get $owHi) (local.get $owLo)) (local.get $co4)))
                (local.set $ci (i32.const 0))
                (block $ciDone (loop $ciLoop
                  (br_if $ciDone (i32.ge_s (local.get $ci) (local.get $Ci)))
                  (local.set $co (local.get $co0))
                  (block $coDone (loop $coLoop
                    (br_if $coDone (i32.ge_s (local.get $co) (local.get $co1)))
                    ;; out[a, b, ci .. ci+3, co .. co+7]
                    (local.set $op (i32.add (local.get $out) (i32.shl
                      (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $a) (local.get $KW)) (local.get $b))
                        (local.get $Ci)) (local.get $ci)) (local.get $Co)) (local.get $co)) (i32.const 2))))
                    (local.set $o1 (i32.add (local.get $op) (local.get $co4)))
                    (local.set $o2 (i32.add (local.get $o1) (local.get $co4)))
                    (local.set $o3 (i32.add (local.get $o2) (local.get $co4)))
                    (local.set $a00 (v128.load (local.get $op)))
                    (local.set $a01 (v128.load offset=16 (local.get $op)))
                    (local.set $a10 (v128.load (local.get $o1)))
                    (local.set $a11 (v128.load offset=16 (local.get $o1)))
                    (local.set $a20 (v128.load (local.get $o2)))
                    (local.set $a21 (v128.load offset=16 (local.get $o2)))
                    (local.set $a30 (v128.load (local.get $o3)))
                    (local.set $a31 (v128.load offset=16 (local.get $o3)))
                    (local.set $oh (local.get $ohLo))
                    (block $ohDone (loop $ohLoop
                      (br_if $ohDone (i32.ge_s (local.get $oh) (local.get $ohHi)))
                      ;; x[n, oh + a − top, owLo + b − left, ci], dy[n, oh, owLo, co]
                      (local.set $xp (i32.add (local.get $x) (i32.shl (i32.add (i32.mul
                        (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $H))
                          (i32.sub (i32.add (local.get $oh) (local.get $a)) (local.get $top))) (local.get $W))
                          (i32.sub (i32.add (local.get $owLo) (local.get $b)) (local.get $left)))
                        (local.get $Ci)) (local.get $ci)) (i32.const 2))))
                      (local.set $dp (i32.add (local.get $dy) (i32.shl (i32.add (i32.mul
                        (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $Ho)) (local.get $oh)) (local.get $Wo))
                          (local.get $owLo))
                        (local.get $Co)) (local.get $co)) (i32.const 2))))
                      (local.set $dEnd (i32.add (local.get $dp) (local.get $span)))
                      (loop $wLoop
                        (local.set $d0 (v128.load (local.get $dp)))
                        (local.set $d1 (v128.load offset=16 (local.get $dp)))
                        (local.set $s (v128.load32_splat (local.get $xp)))
                        (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $s) (local.get $d0))))
                        (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $s) (local.get $d1))))
                        (local.set $s (v128.load32_splat offset=4 (local.get $xp)))
                        (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $s) (local.get $d0))))
                        (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $s) (local.get $d1))))
                        (local.set $s (v128.load32_splat offset=8 (local.get $xp)))
                        (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (local.get $s) (local.get $d0))))
                        (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (local.get $s) (local.get $d1))))
                        (local.set $s (v128.load32_splat offset=12 (local.get $xp)))
                        (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (local.get $s) (local.get $d0))))
                        (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (local.get $s) (local.get $d1))))
                        (local.set $xp (i32.add (local.get $xp) (local.get $ci4)))
                        (local.set $dp (i32.add (local.get $dp) (local.get $co4)))
                        (br_if $wLoop (i32.lt_u (local.get $dp) (local.get $dEnd))))
                      (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
                      (br $ohLoop)))
                    (v128.store (local.get $op) (local.get $a00))
                    (v128.store offset=16 (local.get $op) (local.get $a01))
                    (v128.store (local.get $o1) (local.get $a10))
                    (v128.store offset=16 (local.get $o1) (local.get $a11))
                    (v128.store (local.get $o2) (local.get $a20))
                    (v128.store offset=16 (local.get $o2) (local.get $a21))
                    (v128.store (local.get $o3) (local.get $a30))
                    (v128.store offset=16 (local.get $o3) (local.get $a31))
                    (local.set $co (i32.add (local.get $co) (i32.const 8)))
                    (br $coLoop)))
                  (local.set $ci (i32.add (local.get $ci) (i32.const 4)))
                  (br $ciLoop)))))
              (local.set $b (i32.add (local.get $b) (i32.const 1)))
              (br $bLoop)))))
          (local.set $a (i32.add (local.get $a) (i32.const 1)))
          (br $aLoop)))
        (local.set $r0 (i32.add (local.get $r0) (local.get $R)))
        (br $rLoop)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $nLoop)))))
