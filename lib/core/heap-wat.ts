// The WebAssembly text of our kernels on tfjs's own memory, assembled by scripts/build-gemm-wasm.ts
// into heap-binary.ts (a test rebuilds and compares it). The module imports the tfjs wasm backend's
// memory, so it reads tensors where tfjs keeps them and writes into tensors that tfjs allocated: no
// copies. It exports two kernels:
// - adam: Adam's update as one SIMD pass over a variable. tfjs's Adam runs about 14 element-wise
//   kernels per variable, each a pass over memory plus its dispatch. Every operation is an IEEE
//   float32 operation in the order lib/core/adam.ts gives, so the weights stay tf.train.adam's to
//   the last bit (tested).
// - transpose: a matrix transpose in 4 x 4 blocks of SIMD shuffles. tfjs's wasm Transpose moves one
//   element at a time through a general index loop, 3-6 ns per element here, and the dense layer's
//   backward pass transposes every activation (lib/nn/dense.ts).

/**
 * adam(w, g, m, v, out, n, beta1, oneMinusBeta1, beta2, oneMinusBeta2, correction1,
 * correction2, epsilon, negativeRate). Pointers are byte offsets of float32 arrays of n values; m
 * and v are updated in place, and out receives
 *   out = (m' / correction1) / (sqrt(v' / correction2) + epsilon) * negativeRate + w
 * with m' = m beta1 + g oneMinusBeta1 and v' = v beta2 + g g oneMinusBeta2.
 */
/** A loop while the i32 local `counter` is below `limit`: `body`, then counter += step. */
function countedLoop(label: string, counter: string, limit: string, step: number, body: string): string {
  return `
    (block $${label}Done (loop $${label}
      (br_if $${label}Done (i32.ge_u (local.get $${counter}) ${limit}))${body}
      (local.set $${counter} (i32.add (local.get $${counter}) (i32.const ${step})))
      (br $${label})))`;
}

function adamFunc(): string {
  const splat = (name: string) => `(local.set $${name}4 (f32x4.splat (local.get $${name})))`;
  // one element (f32) or four (f32x4) of the update; `at` is the byte offset within each array
  const body = (t: 'f32' | 'f32x4', load: string, store: string, s: string) => `
        (local.set $gv${s} (${load} (i32.add (local.get $g) (local.get $at))))
        (local.set $mv${s} (${t}.add (${t}.mul (${load} (i32.add (local.get $m) (local.get $at))) (local.get $b1${s}))
                              (${t}.mul (local.get $gv${s}) (local.get $omb1${s}))))
        (local.set $vv${s} (${t}.add (${t}.mul (${load} (i32.add (local.get $v) (local.get $at))) (local.get $b2${s}))
                              (${t}.mul (${t}.mul (local.get $gv${s}) (local.get $gv${s})) (local.get $omb2${s}))))
        (${store} (i32.add (local.get $m) (local.get $at)) (local.get $mv${s}))
        (${store} (i32.add (local.get $v) (local.get $at)) (local.get $vv${s}))
        (${store} (i32.add (local.get $out) (local.get $at))
          (${t}.add
            (${t}.mul
              (${t}.div (${t}.div (local.get $mv${s}) (local.get $c1${s}))
                        (${t}.add (${t}.sqrt (${t}.div (local.get $vv${s}) (local.get $c2${s}))) (local.get $eps${s})))
              (local.get $rate${s}))
            (${load} (i32.add (local.get $w) (local.get $at)))))`;
  return `
  (func (export "adam")
    (param $w i32) (param $g i32) (param $m i32) (param $v i32) (param $out i32) (param $n i32)
    (param $b1 f32) (param $omb1 f32) (param $b2 f32) (param $omb2 f32)
    (param $c1 f32) (param $c2 f32) (param $eps f32) (param $rate f32)
    (local $at i32) (local $vectorEnd i32) (local $end i32)
    (local $gv f32) (local $mv f32) (local $vv f32)
    (local $gv4 v128) (local $mv4 v128) (local $vv4 v128)
    (local $b14 v128) (local $omb14 v128) (local $b24 v128) (local $omb24 v128)
    (local $c14 v128) (local $c24 v128) (local $eps4 v128) (local $rate4 v128)
    ${['b1', 'omb1', 'b2', 'omb2', 'c1', 'c2', 'eps', 'rate'].map(splat).join('\n    ')}
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vectorEnd (i32.and (local.get $end) (i32.const -16)))
    ${countedLoop('vectors', 'at', '(local.get $vectorEnd)', 16, body('f32x4', 'v128.load', 'v128.store', '4'))}
    ${countedLoop('tail', 'at', '(local.get $end)', 4, body('f32', 'f32.load', 'f32.store', ''))})`;
}

/** Byte lanes of an i8x16.shuffle that picks 32-bit lanes (0-3 from the first operand, 4-7 from the second). */
const lanes = (l: number[]) => l.flatMap((x) => [4 * x, 4 * x + 1, 4 * x + 2, 4 * x + 3]).join(' ');

/**
 * transpose(src, dst, rows, cols): dst [cols, rows] = src [rows, cols] transposed, for 32-bit
 * values; byte offsets. Whole 4 x 4 blocks go through registers: four rows of src are loaded, their
 * lanes interleaved in two rounds of shuffles, and stored as four rows of dst. Blocks are taken
 * down a column of src, so that each of the four rows of dst is written as one contiguous run
 * (taking them along a row of src wrote four rows of dst at a stride of a power of two for the
 * lectures' sizes, and ran at half the speed). The last rows % 4 rows and cols % 4 columns are
 * moved one value at a time.
 */
function transposeFunc(): string {
  const row = (k: number) => `(v128.load (i32.add (local.get $from) (i32.mul (local.get $rowBytes) (i32.const ${k}))))`;
  const store = (k: number, value: string) => `(v128.store (i32.add (local.get $to) (i32.mul (local.get $colBytes) (i32.const ${k}))) ${value})`;
  // single values move as i32: a bit copy, whatever the 32 bits mean
  const one = (i: string, j: string) => `(i32.store (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get ${j}) (local.get $rows)) (local.get ${i})) (i32.const 2)))
            (i32.load (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get ${i}) (local.get $cols)) (local.get ${j})) (i32.const 2)))))`;
  return `
  (func (export "transpose") (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32)
    (local $i i32) (local $j i32) (local $rows4 i32) (local $cols4 i32) (local $rowBytes i32) (local $colBytes i32)
    (local $from i32) (local $to i32) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $rows4 (i32.and (local.get $rows) (i32.const -4)))
    (local.set $cols4 (i32.and (local.get $cols) (i32.const -4)))
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $colBytes (i32.shl (local.get $rows) (i32.const 2)))
    ;; whole blocks: rows i..i+3 of src, columns j..j+3, become rows j..j+3 of dst, columns i..i+3
    ${countedLoop('blockCols', 'j', '(local.get $cols4)', 4, `
      (local.set $from (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $to (i32.add (local.get $dst) (i32.mul (local.get $j) (local.get $colBytes))))
      (local.set $i (i32.const 0))
      ${countedLoop('blockRows', 'i', '(local.get $rows4)', 4, `
        ;; t0 = a0 b0 a1 b1, t1 = a2 b2 a3 b3, t2 = c0 d0 c1 d1, t3 = c2 d2 c3 d3
        (local.set $t0 (i8x16.shuffle ${lanes([0, 4, 1, 5])} ${row(0)} ${row(1)}))
        (local.set $t1 (i8x16.shuffle ${lanes([2, 6, 3, 7])} ${row(0)} ${row(1)}))
        (local.set $t2 (i8x16.shuffle ${lanes([0, 4, 1, 5])} ${row(2)} ${row(3)}))
        (local.set $t3 (i8x16.shuffle ${lanes([2, 6, 3, 7])} ${row(2)} ${row(3)}))
        ${store(0, `(i8x16.shuffle ${lanes([0, 1, 4, 5])} (local.get $t0) (local.get $t2))`)}
        ${store(1, `(i8x16.shuffle ${lanes([2, 3, 6, 7])} (local.get $t0) (local.get $t2))`)}
        ${store(2, `(i8x16.shuffle ${lanes([0, 1, 4, 5])} (local.get $t1) (local.get $t3))`)}
        ${store(3, `(i8x16.shuffle ${lanes([2, 3, 6, 7])} (local.get $t1) (local.get $t3))`)}
        (local.set $from (i32.add (local.get $from) (i32.shl (local.get $rowBytes) (i32.const 2))))
        (local.set $to (i32.add (local.get $to) (i32.const 16)))`)}`)}
    ;; the last rows % 4 rows, up to column cols4
    (local.set $i (local.get $rows4))
    ${countedLoop('tailRows', 'i', '(local.get $rows)', 1, `
      (local.set $j (i32.const 0))
      ${countedLoop('rowValues', 'j', '(local.get $cols4)', 1, one('$i', '$j'))}`)}
    ;; the last cols % 4 columns, all rows
    (local.set $j (local.get $cols4))
    ${countedLoop('tailCols', 'j', '(local.get $cols)', 1, `
      (local.set $i (i32.const 0))
      ${countedLoop('colValues', 'i', '(local.get $rows)', 1, one('$i', '$j'))}`)})`;
}

/** WAT source of the module, importing env.memory (shared, up to 4 GiB, when tfjs is the threaded build). */
export function heapWat(shared: boolean): string {
  return `(module
  (import "env" "memory" (memory 1${shared ? ' 65536 shared' : ''}))${adamFunc()}${transposeFunc()})
`;
}
