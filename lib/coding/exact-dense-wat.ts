// The WebAssembly text of the coder's dense layer in float64, assembled by scripts/build-gemm-wasm.ts
// into exact-dense-binary.ts (a test rebuilds and compares it). It computes, for a batch of input
// rows, out[b][j] = bias[j] + x[b][0] w[0][j] + x[b][1] w[1][j] + ..., adding the products in input
// order and skipping zero inputs, exactly as ExactMlp.apply does in JavaScript: two outputs at a
// time (f64x2), each product rounded and then added (a multiply and an add, never a fused
// multiply-add), so every output is the same double, bit for bit.

/**
 * dense(w, bias, x, out, batch, in, outSize): byte offsets of float64 arrays in the module's own
 * memory; w is [in, outSize] row-major, x [batch, in], out [batch, outSize].
 */
export function exactDenseWat(): string {
  return `
(module
  (memory (export "memory") 1)
  (func (export "dense") (param $w i32) (param $bias i32) (param $x i32) (param $out i32)
        (param $batch i32) (param $in i32) (param $outSize i32)
    (local $b i32) (local $i i32) (local $j i32) (local $row i32) (local $dst i32)
    (local $rowBytes i32) (local $pairBytes i32) (local $v f64) (local $v2 v128)
    (local.set $rowBytes (i32.shl (local.get $outSize) (i32.const 3)))
    (local.set $pairBytes (i32.and (local.get $rowBytes) (i32.const -16)))
    ;; every output row starts at the bias
    (local.set $b (i32.const 0))
    (block $initDone (loop $init
      (br_if $initDone (i32.ge_u (local.get $b) (local.get $batch)))
      (memory.copy (i32.add (local.get $out) (i32.mul (local.get $b) (local.get $rowBytes))) (local.get $bias) (local.get $rowBytes))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $init)))
    ;; input by input, so that weight row i is read once for the whole batch
    (local.set $i (i32.const 0))
    (block $inputsDone (loop $inputs
      (br_if $inputsDone (i32.ge_u (local.get $i) (local.get $in)))
      (local.set $row (i32.add (local.get $w) (i32.mul (local.get $i) (local.get $rowBytes))))
      (local.set $b (i32.const 0))
      (block $batchDone (loop $rows
        (br_if $batchDone (i32.ge_u (local.get $b) (local.get $batch)))
        (local.set $v (f64.load (i32.add (local.get $x)
          (i32.shl (i32.add (i32.mul (local.get $b) (local.get $in)) (local.get $i)) (i32.const 3)))))
        (if (f64.ne (local.get $v) (f64.const 0))
          (then
            (local.set $dst (i32.add (local.get $out) (i32.mul (local.get $b) (local.get $rowBytes))))
            (local.set $v2 (f64x2.splat (local.get $v)))
            (local.set $j (i32.const 0))
            (block $pairsDone (loop $pairs
              (br_if $pairsDone (i32.ge_u (local.get $j) (local.get $pairBytes)))
              (v128.store (i32.add (local.get $dst) (local.get $j))
                (f64x2.add (v128.load (i32.add (local.get $dst) (local.get $j)))
                           (f64x2.mul (local.get $v2) (v128.load (i32.add (local.get $row) (local.get $j))))))
              (local.set $j (i32.add (local.get $j) (i32.const 16)))
              (br $pairs)))
            (if (i32.lt_u (local.get $j) (local.get $rowBytes))
              (then
                (f64.store (i32.add (local.get $dst) (local.get $j))
                  (f64.add (f64.load (i32.add (local.get $dst) (local.get $j)))
                           (f64.mul (local.get $v) (f64.load (i32.add (local.get $row) (local.get $j))))))))))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $rows)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $inputs)))))
`;
}
