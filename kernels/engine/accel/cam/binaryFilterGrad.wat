;; A conv's filter gradient, contracted with a filter, when input and output gradient are 0/1 masks (times
;; per-channel scales applied outside): for every patch n, input channel ci and output channel co
;;   out[n, ci, co] = sx[n, ci] · sy[n, co] · Σ_t K[ci, t, co] · #{o : x[n, o + off_t, ci] ≠ 0 and y[n, o, co] ≠ 0}
;; with the masks as bit vectors over the zero-padded input grid (row stride Wp), so tap t = (a, b) is the
;; plain bit offset off_t = a·Wp + b: x[n, ci] has XW 64-bit words, y[n, co] has YW words (output o at bit
;; oh·Wp + ow; columns ≥ Wo are 0), XW ≥ YW + ⌈max off / 64⌉ + 1. Each count is YW and + popcnt. Per pair
;; that is YW·T popcounts where the float filter gradient costs (Ho·Wo)·T multiply-adds (≈ 50× more here).
;; Only output words [w0, w1) are counted (a mask known to be zero elsewhere: Grad-CAM's border rows).
;; Per (n, ci): x shifted by each tap once (taps whose shifted words are all zero are dropped: a border set's x
;; is mostly zero), then the counts of every kept tap and co as floats, then out[n, ci, ·] = Σ_t K · counts four
;; co at a time (K laid out [Ci, T, Co] for that), times the channels' values sx[n, ci] · sy[n, co].
;; $scratch: T·max(YW, 2) words of shifted x, T i32 kept taps, T·Co f32 counts.
;; Assembled by scripts/gen-cam-wasm.mjs.
(module
  (import "env" "memory" (memory 1 65536 shared))
  (func (export "binaryFilterGrad")
    (param $x i32) (param $y i32) (param $k i32) (param $offs i32) (param $out i32) (param $shifted i32)
    (param $N i32) (param $Ci i32) (param $Co i32) (param $XW i32) (param $YW i32) (param $T i32) (param $w0 i32) (param $w1 i32) (param $sx i32) (param $sy i32)
    (local $n i32) (local $ci i32) (local $t i32) (local $co i32) (local $w i32) (local $span i32) (local $spanBytes i32)
    (local $xRow i32) (local $yRow i32) (local $kRow i32) (local $o i32) (local $off i32) (local $q i32) (local $r i64)
    (local $src i32) (local $sh i32) (local $cnt i64) (local $lo i64) (local $hi i64) (local $yBytes i32)
    (local $xs f32) (local $syRow i32) (local $list i32) (local $live i32) (local $any i64) (local $i i32) (local $stride i32) (local $counts i32) (local $c i32)
    (local $coBytes i32) (local $co4 i32) (local $acc v128) (local $accS f32)
    (local.set $yBytes (i32.shl (local.get $YW) (i32.const 3)))
    (local.set $coBytes (i32.shl (local.get $Co) (i32.const 2)))
    (local.set $co4 (i32.and (local.get $Co) (i32.const -4)))
    (local.set $span (i32.sub (local.get $w1) (local.get $w0)))
    (local.set $spanBytes (i32.shl (local.get $span) (i32.const 3)))
    (if (i32.le_s (local.get $span) (i32.const 0)) (then (return)))
    ;; bytes per tap in the scratch: the span, at least two words
    (local.set $stride (select (local.get $spanBytes) (i32.const 16) (i32.gt_s (local.get $span) (i32.const 2))))
    (local.set $list (i32.add (local.get $shifted) (i32.mul (local.get $T) (local.get $stride))))
    (local.set $counts (i32.add (local.get $list) (i32.shl (local.get $T) (i32.const 2))))
    (local.set $o (local.get $out))
    (local.set $n (i32.const 0))
    (block $nDone (loop $nLoop
      (br_if $nDone (i32.ge_s (local.get $n) (local.get $N)))
      (local.set $ci (i32.const 0))
      (block $ciDone (loop $ciLoop
        (br_if $ciDone (i32.ge_s (local.get $ci) (local.get $Ci)))
        (local.set $xRow (i32.add (local.get $x) (i32.shl (i32.mul (i32.add (i32.mul (local.get $n) (local.get $Ci)) (local.get $ci)) (local.get $XW)) (i32.const 3))))
        ;; shifted[i][w − w0] = bits off_t + 64w .. of x[n, ci]: (x[w + q] >> r) | (x[w + q + 1] << (64 − r)); two
        ;; words at least (the second 0 when the span is one word); kept only if some word is not zero
        (local.set $sh (local.get $shifted))
        (local.set $live (i32.const 0))
        (local.set $t (i32.const 0))
        (block $tDone (loop $tLoop
          (br_if $tDone (i32.ge_s (local.get $t) (local.get $T)))
          (local.set $off (i32.load (i32.add (local.get $offs) (i32.shl (local.get $t) (i32.const 2)))))
          (local.set $q (i32.shr_u (local.get $off) (i32.const 6)))
          (local.set $r (i64.extend_i32_u (i32.and (local.get $off) (i32.const 63))))
          (i64.store offset=8 (local.get $sh) (i64.const 0))
          (local.set $any (i64.const 0))
          (local.set $src (local.get $sh))
          (local.set $w (local.get $w0))
          (block $sDone (loop $sLoop
            (br_if $sDone (i32.ge_s (local.get $w) (local.get $w1)))
            (local.set $off (i32.add (local.get $xRow) (i32.shl (i32.add (local.get $w) (local.get $q)) (i32.const 3))))
            (local.set $lo (i64.shr_u (i64.load (local.get $off)) (local.get $r)))
            (local.set $hi (select
              (i64.shl (i64.load offset=8 (local.get $off)) (i64.sub (i64.const 64) (local.get $r)))
              (i64.const 0)
              (i64.ne (local.get $r) (i64.const 0))))
            (i64.store (local.get $sh) (i64.or (local.get $lo) (local.get $hi)))
            (local.set $any (i64.or (local.get $any) (i64.or (local.get $lo) (local.get $hi))))
            (local.set $sh (i32.add (local.get $sh) (i32.const 8)))
            (local.set $w (i32.add (local.get $w) (i32.const 1)))
            (br $sLoop)))
          (if (i64.ne (local.get $any) (i64.const 0))
            (then
              (i32.store (i32.add (local.get $list) (i32.shl (local.get $live) (i32.const 2))) (local.get $t))
              (local.set $live (i32.add (local.get $live) (i32.const 1)))
              (local.set $sh (i32.add (local.get $src) (local.get $stride))))
            (else (local.set $sh (local.get $src))))
          (local.set $t (i32.add (local.get $t) (i32.const 1)))
          (br $tLoop)))
        ;; counts[i][co] for every kept tap i and co (y[n, co] from word w0)
        (local.set $sh (local.get $shifted))
        (local.set $c (local.get $counts))
        (local.set $i (i32.const 0))
        (block $iDone (loop $iLoop
          (br_if $iDone (i32.ge_s (local.get $i) (local.get $live)))
          (local.set $yRow (i32.add (i32.add (local.get $y) (i32.mul (i32.mul (local.get $n) (local.get $Co)) (local.get $yBytes))) (i32.shl (local.get $w0) (i32.const 3))))
          (if (i32.eq (local.get $span) (i32.const 1))
            (then
              (local.set $lo (i64.load (local.get $sh)))
              (local.set $co (i32.const 0))
              (block $c1Done (loop $c1Loop
                (br_if $c1Done (i32.ge_s (local.get $co) (local.get $Co)))
                (f32.store (local.get $c) (f32.convert_i64_u (i64.popcnt (i64.and (local.get $lo) (i64.load (local.get $yRow))))))
                (local.set $c (i32.add (local.get $c) (i32.const 4)))
                (local.set $yRow (i32.add (local.get $yRow) (local.get $yBytes)))
                (local.set $co (i32.add (local.get $co) (i32.const 1)))
                (br $c1Loop))))
            (else
              (local.set $co (i32.const 0))
              (block $cnDone (loop $cnLoop
                (br_if $cnDone (i32.ge_s (local.get $co) (local.get $Co)))
                (local.set $cnt (i64.const 0))
                (local.set $w (i32.const 0))
                (block $wDone (loop $wLoop
                  (br_if $wDone (i32.ge_s (local.get $w) (local.get $spanBytes)))
                  (local.set $cnt (i64.add (local.get $cnt) (i64.popcnt (i64.and
                    (i64.load (i32.add (local.get $sh) (local.get $w)))
                    (i64.load (i32.add (local.get $yRow) (local.get $w)))))))
                  (local.set $w (i32.add (local.get $w) (i32.const 8)))
                  (br $wLoop)))
                (f32.store (local.get $c) (f32.convert_i64_u (local.get $cnt)))
                (local.set $c (i32.add (local.get $c) (i32.const 4)))
                (local.set $yRow (i32.add (local.get $yRow) (local.get $yBytes)))
                (local.set $co (i32.add (local.get $co) (i32.const 1)))
                (br $cnLoop)))))
          (local.set $sh (i32.add (local.get $sh) (local.get $stride)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $iLoop)))
        ;; out[n, ci, co] = sx[n, ci] · sy[n, co] · Σ_i K[ci, t_i, co] · counts[i][co], four co at a time
        (local.set $xs (f32.load (i32.add (local.get $sx) (i32.shl (i32.add (i32.mul (local.get $n) (local.get $Ci)) (local.get $ci)) (i32.const 2)))))
        (local.set $syRow (i32.add (local.get $sy) (i32.shl (i32.mul (local.get $n) (local.get $Co)) (i32.const 2))))
        (local.set $co (i32.const 0))
        (block $vDone (loop $vLoop
          (br_if $vDone (i32.ge_s (local.get $co) (local.get $co4)))
          (local.set $acc (f32x4.splat (f32.const 0)))
          (local.set $i (i32.const 0))
          (block $viDone (loop $viLoop
            (br_if $viDone (i32.ge_s (local.get $i) (local.get $live)))
            (local.set $t (i32.load (i32.add (local.get $list) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $kRow (i32.add (local.get $k) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $ci) (local.get $T)) (local.get $t)) (local.get $Co)) (local.get $co)) (i32.const 2))))
            (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul
              (v128.load (i32.add (local.get $counts) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $Co)) (local.get $co)) (i32.const 2))))
              (v128.load (local.get $kRow)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $viLoop)))
          (v128.store (i32.add (local.get $o) (i32.shl (local.get $co) (i32.const 2)))
            (f32x4.mul (f32x4.mul (local.get $acc) (v128.load (i32.add (local.get $syRow) (i32.shl (local.get $co) (i32.const 2)))))
              (f32x4.splat (local.get $xs))))
          (local.set $co (i32.add (local.get $co) (i32.const 4)))
          (br $vLoop)))
        ;; the last Co mod 4 one by one
        (block $sDone2 (loop $sLoop2
          (br_if $sDone2 (i32.ge_s (local.get $co) (local.get $Co)))
          (local.set $accS (f32.const 0))
          (local.set $i (i32.const 0))
          (block $siDone (loop $siLoop
            (br_if $siDone (i32.ge_s (local.get $i) (local.get $live)))
            (local.set $t (i32.load (i32.add (local.get $list) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $accS (f32.add (local.get $accS) (f32.mul
              (f32.load (i32.add (local.get $counts) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $Co)) (local.get $co)) (i32.const 2))))
              (f32.load (i32.add (local.get $k) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $ci) (local.get $T)) (local.get $t)) (local.get $Co)) (local.get $co)) (i32.const 2)))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $siLoop)))
          (f32.store (i32.add (local.get $o) (i32.shl (local.get $co) (i32.const 2)))
            (f32.mul (f32.mul (local.get $accS) (f32.load (i32.add (local.get $syRow) (i32.shl (local.get $co) (i32.const 2))))) (local.get $xs)))
          (local.set $co (i32.add (local.get $co) (i32.const 1)))
          (br $sLoop2)))
        (local.set $o (i32.add (local.get $o) (local.get $coBytes)))
        (local.set $ci (i32.add (local.get $ci) (i32.const 1)))
        (br $ciLoop)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $nLoop))))

  ;; Bit vectors of a 0/1-times-value map x [N, H, W, C] (NHWC): bit (h + top)·rowStep + (w + left)·colStep of
  ;; bits[n, c] (words 64-bit words each, zeroed by the caller) is set where x ≠ 0, and scale[n, c] is the
  ;; channel's one nonzero value (0 if none; NaN when the channel holds two different ones, or NaN).
  (func (export "maskBits")
    (param $x i32) (param $bits i32) (param $scale i32)
    (param $N i32) (param $H i32) (param $W i32) (param $C i32) (param $top i32) (param $left i32) (param $rowStep i32) (param $colStep i32) (param $words i32)
    (local $n i32) (local $h i32) (local $w i32) (local $c i32) (local $bit i32) (local $wordOff i32) (local $mask i32)
    (local $v f32) (local $s f32) (local $sp i32) (local $bp i32) (local $chanBytes i32)
    (local.set $chanBytes (i32.shl (local.get $words) (i32.const 3)))
    (local.set $n (i32.const 0))
    (block $nDone (loop $nLoop
      (br_if $nDone (i32.ge_s (local.get $n) (local.get $N)))
      (local.set $h (i32.const 0))
      (block $hDone (loop $hLoop
        (br_if $hDone (i32.ge_s (local.get $h) (local.get $H)))
        (local.set $w (i32.const 0))
        (block $wDone (loop $wLoop
          (br_if $wDone (i32.ge_s (local.get $w) (local.get $W)))
          (local.set $bit (i32.add (i32.mul (i32.add (local.get $h) (local.get $top)) (local.get $rowStep))
            (i32.mul (i32.add (local.get $w) (local.get $left)) (local.get $colStep))))
          (local.set $wordOff (i32.shl (i32.shr_u (local.get $bit) (i32.const 5)) (i32.const 2)))
          (local.set $mask (i32.shl (i32.const 1) (i32.and (local.get $bit) (i32.const 31))))
          ;; scale[n, 0], bits[n, 0] + this word
          (local.set $sp (i32.add (local.get $scale) (i32.shl (i32.mul (local.get $n) (local.get $C)) (i32.const 2))))
          (local.set $bp (i32.add (i32.add (local.get $bits) (i32.mul (i32.mul (local.get $n) (local.get $C)) (local.get $chanBytes))) (local.get $wordOff)))
          (local.set $c (i32.const 0))
          (block $cDone (loop $cLoop
            (br_if $cDone (i32.ge_s (local.get $c) (local.get $C)))
            (local.set $v (f32.load (local.get $x)))
            (if (f32.ne (local.get $v) (f32.const 0))
              (then
                (local.set $s (f32.load (local.get $sp)))
                (if (f32.eq (local.get $s) (f32.const 0))
                  (then (f32.store (local.get $sp) (local.get $v)))
                  (else (if (f32.ne (local.get $s) (local.get $v))
                    (then (f32.store (local.get $sp) (f32.const nan))))))
                (i32.store (local.get $bp) (i32.or (i32.load (local.get $bp)) (local.get $mask)))))
            (local.set $x (i32.add (local.get $x) (i32.const 4)))
            (local.set $sp (i32.add (local.get $sp) (i32.const 4)))
            (local.set $bp (i32.add (local.get $bp) (local.get $chanBytes)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $cLoop)))
          (local.set $w (i32.add (local.get $w) (i32.const 1)))
          (br $wLoop)))
        (local.set $h (i32.add (local.get $h) (i32.const 1)))
        (br $hLoop)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $nLoop))))
)
