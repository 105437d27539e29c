// The WebAssembly text of our kernels on tfjs's own memory, assembled by scripts/build-gemm-wasm.ts
// into heap-binary.ts (a test rebuilds and compares it). The module imports the tfjs wasm backend's
// memory, so it reads tensors where tfjs keeps them and writes into tensors that tfjs allocated: no
// copies. It exports these kernels:
// - adam: Adam's update as one SIMD pass over a variable. tfjs's Adam runs about 14 element-wise
//   kernels per variable, each a pass over memory plus its dispatch. Every operation is an IEEE
//   float32 operation in the order lib/core/adam.ts gives, so the weights stay tf.train.adam's to
//   the last bit (tested).
// - transpose: a matrix transpose in 4 x 4 blocks of SIMD shuffles. tfjs's wasm Transpose moves one
//   element at a time through a general index loop, 3-6 ns per element here.
// - matmul: C = A B (+ bias, ReLU) without packing either operand (lib/engine/wasm-matmul.ts).
// - add, sub, rsub, mul, div, rdiv: element-wise arithmetic with the broadcasts the models make
//   (lib/engine/wasm-binary.ts).
// - exp, tanh, softplus: four values at a time (lib/engine/wasm-unary.ts); tanhGrad, sigmoidGrad,
//   reluGrad: the three activations' gradients (lib/engine/lean-gradients.ts).
// - gruForward, gruBackward: a gated recurrent unit's gates, forward and backward (lib/nn/gru-gates.ts).
// - bernoulliForward, bernoulliBackward: a Bernoulli log-likelihood of rows (lib/distributions/bernoulli-rows.ts).
// - layerNormForward, layerNormBackward: layer normalisation of rows (lib/nn/layer-norm-rows.ts).
// - normalForward, normalBackward, normalKlForward, normalKlBackward: a diagonal Gaussian's
//   log-density of rows and the KL divergence of two (lib/distributions/normal-rows.ts).
// - classLogProbForward, classLogProbBackward: log softmax(logits) at a named class, per row
//   (lib/nn/class-log-prob.ts).
// - countNonBinary: how many values are neither 0 nor 1, the check of every Bernoulli likelihood's
//   data (lib/data/batches.ts's checkBinary) without reading the tensor back.

/** A loop while the i32 local `counter` is below `limit`: `body`, then counter += step. */
function countedLoop(label: string, counter: string, limit: string, step: number, body: string): string {
  return `
    (block $${label}Done (loop $${label}
      (br_if $${label}Done (i32.ge_u (local.get $${counter}) ${limit}))${body}
      (local.set $${counter} (i32.add (local.get $${counter}) (i32.const ${step})))
      (br $${label})))`;
}

/** Sets $w4, a row's bytes, and $vectorEnd, the bytes of its whole vectors of four, from $width. */
const ROW_BYTES = `
    (local.set $w4 (i32.shl (local.get $width) (i32.const 2)))
    (local.set $vectorEnd (i32.and (local.get $w4) (i32.const -16)))`;

/** A row's columns: `vector` on whole vectors of four, then `tail` on the rest one at a time (both see the byte offset $j). */
function rowColumns(vector: string, tail: string): string {
  return `
      (local.set $j (i32.const 0))
      ${countedLoop('vectors', 'j', '(local.get $vectorEnd)', 16, vector)}
      ${countedLoop('tail', 'j', '(local.get $w4)', 4, tail)}`;
}

/** The four lanes of the v128 local `v` reduced pairwise by a scalar operation (f32.add, f32.max). */
function acrossLanes(op: string, v: string): string {
  return `(${op} (${op} (f32x4.extract_lane 0 (local.get ${v})) (f32x4.extract_lane 1 (local.get ${v})))
                   (${op} (f32x4.extract_lane 2 (local.get ${v})) (f32x4.extract_lane 3 (local.get ${v}))))`;
}

/**
 * adam(w, g, m, v, out, n, beta1, oneMinusBeta1, beta2, oneMinusBeta2, correction1,
 * correction2, epsilon, negativeRate). Pointers are byte offsets of float32 arrays of n values; m
 * and v are updated in place, and out receives
 *   out = (m' / correction1) / (sqrt(v' / correction2) + epsilon) * negativeRate + w
 * with m' = m beta1 + g oneMinusBeta1 and v' = v beta2 + g g oneMinusBeta2.
 */
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


/**
 * matmul(a, rowStride, innerStride, b, c, m, k, n, bias, relu): C [m, n] = A B (+ bias) (then
 * max(., 0) with relu), with A(i, p) at a + i rowStride + p innerStride (so A may be a transposed
 * view), B [k, n] and C [m, n] row-major, bias [n] at `bias` when it is not 0; byte offsets, k > 0.
 * The tiles keep 4 rows x 8 columns of C in eight registers, as lib/linalg's kernel does, but read
 * A and B where they are: XNNPACK copies ("packs") the second operand of every product into its
 * own layout first, and in a training step that operand is a new tensor every time. Columns are
 * taken in panels of 8, 4, then one at a time; rows in fours, then one at a time. Each value of C
 * is one running sum over p in order, so the result does not depend on the tile it falls in.
 */
function matmulFunc(fused: boolean): string {
  const madd = (s: string, b: string, c: string) => (fused
    ? `(f32x4.relaxed_madd ${s} ${b} ${c})`
    : `(f32x4.add (f32x4.mul ${s} ${b}) ${c})`);
  // one tile: `rows` rows (4 or 1) x `vectors` f32x4 columns (2 or 1) of C
  const tile = (rows: number, vectors: number) => {
    const rs = Array.from({ length: rows }, (_, r) => r);
    const vs = Array.from({ length: vectors }, (_, v) => v);
    const acc = (r: number, v: number) => `$c${r}${v}`;
    const finish = (r: number, v: number) => {
      let x = `(local.get ${acc(r, v)})`;
      x = `(select (f32x4.add ${x} (v128.load offset=${16 * v} (local.get $bias))) ${x} (local.get $bias))`;
      x = `(select (f32x4.max ${x} (v128.const f32x4 0 0 0 0)) ${x} (local.get $relu))`;
      return `
      (v128.store offset=${16 * v} (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const ${r}))) ${x})`;
    };
    return `
  (func $tile${rows}x${vectors} (param $a i32) (param $rs i32) (param $cs i32) (param $b i32) (param $ldb i32)
    (param $c i32) (param $ldc i32) (param $k i32) (param $bias i32) (param $relu i32)
    ${rs.map((r) => `(local $a${r} i32)`).join(' ')} ${rs.flatMap((r) => vs.map((v) => `(local ${acc(r, v)} v128)`)).join(' ')}
    ${vs.map((v) => `(local $b${v} v128)`).join(' ')} (local $s v128)
    ${rs.map((r) => `(local.set $a${r} (i32.add (local.get $a) (i32.mul (local.get $rs) (i32.const ${r}))))`).join(' ')}
    (loop $inner
      ${vs.map((v) => `(local.set $b${v} (v128.load offset=${16 * v} (local.get $b)))`).join(' ')}
      ${rs.map((r) => `
      (local.set $s (v128.load32_splat (local.get $a${r})))
      ${vs.map((v) => `(local.set ${acc(r, v)} ${madd('(local.get $s)', `(local.get $b${v})`, `(local.get ${acc(r, v)})`)})`).join(' ')}
      (local.set $a${r} (i32.add (local.get $a${r}) (local.get $cs)))`).join('')}
      (local.set $b (i32.add (local.get $b) (local.get $ldb)))
      (br_if $inner (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))${rs.flatMap((r) => vs.map((v) => finish(r, v))).join('')})`;
  };
  // one value of C: a scalar running sum, for the last n % 4 columns
  const single = `
  (func $tile1x0 (param $a i32) (param $rs i32) (param $cs i32) (param $b i32) (param $ldb i32)
    (param $c i32) (param $ldc i32) (param $k i32) (param $bias i32) (param $relu i32) (local $s f32)
    (loop $inner
      (local.set $s (f32.add (f32.mul (f32.load (local.get $a)) (f32.load (local.get $b))) (local.get $s)))
      (local.set $a (i32.add (local.get $a) (local.get $cs)))
      (local.set $b (i32.add (local.get $b) (local.get $ldb)))
      (br_if $inner (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))
    (if (local.get $bias) (then (local.set $s (f32.add (local.get $s) (f32.load (local.get $bias))))))
    (if (local.get $relu) (then (local.set $s (f32.max (local.get $s) (f32.const 0)))))
    (f32.store (local.get $c) (local.get $s)))`;
  // all rows of the column panel starting at byte column $col, `width` columns wide, with tiles of `vectors`
  const panel = (vectors: number) => {
    const call = (rows: number) => `(call $tile${rows}x${vectors}
          (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rs))) (local.get $rs) (local.get $cs)
          (i32.add (local.get $b) (local.get $col)) (local.get $ldc)
          (i32.add (local.get $c) (i32.add (i32.mul (local.get $i) (local.get $ldc)) (local.get $col))) (local.get $ldc)
          (local.get $k) (select (i32.add (local.get $bias) (local.get $col)) (i32.const 0) (local.get $bias)) (local.get $relu))`;
    return `
      (local.set $i (i32.const 0))
      ${countedLoop(`rows4x${vectors}`, 'i', '(local.get $m4)', 4, call(4))}
      ${countedLoop(`rows1x${vectors}`, 'i', '(local.get $m)', 1, call(1))}`;
  };
  const width = (vectors: number) => (vectors === 0 ? 4 : 16 * vectors);
  return `${tile(4, 2)}${tile(1, 2)}${tile(4, 1)}${tile(1, 1)}${single}
  ;; four rows of one column: four independent running sums, so that the additions overlap
  (func $tile4x0 (param $a i32) (param $rs i32) (param $cs i32) (param $b i32) (param $ldb i32)
    (param $c i32) (param $ldc i32) (param $k i32) (param $bias i32) (param $relu i32)
    ${[0, 1, 2, 3].map((r) => `(local $a${r} i32) (local $s${r} f32)`).join(' ')} (local $x f32)
    ${[0, 1, 2, 3].map((r) => `(local.set $a${r} (i32.add (local.get $a) (i32.mul (local.get $rs) (i32.const ${r}))))`).join(' ')}
    (loop $inner
      (local.set $x (f32.load (local.get $b)))
      ${[0, 1, 2, 3].map((r) => `
      (local.set $s${r} (f32.add (f32.mul (f32.load (local.get $a${r})) (local.get $x)) (local.get $s${r})))
      (local.set $a${r} (i32.add (local.get $a${r}) (local.get $cs)))`).join('')}
      (local.set $b (i32.add (local.get $b) (local.get $ldb)))
      (br_if $inner (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))
    ${[0, 1, 2, 3].map((r) => `
    (if (local.get $bias) (then (local.set $s${r} (f32.add (local.get $s${r}) (f32.load (local.get $bias))))))
    (if (local.get $relu) (then (local.set $s${r} (f32.max (local.get $s${r}) (f32.const 0)))))
    (f32.store (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const ${r}))) (local.get $s${r}))`).join('')})
  (func (export "matmul") (param $a i32) (param $rs i32) (param $cs i32) (param $b i32) (param $c i32)
    (param $m i32) (param $k i32) (param $n i32) (param $bias i32) (param $relu i32)
    (local $ldc i32) (local $m4 i32) (local $i i32) (local $col i32) (local $end i32)
    (local.set $ldc (i32.shl (local.get $n) (i32.const 2)))
    (local.set $m4 (i32.and (local.get $m) (i32.const -4)))
    ;; panels of 8 columns, then one of 4, then single columns
    (local.set $end (i32.and (local.get $ldc) (i32.const -32)))
    ${countedLoop('panels8', 'col', '(local.get $end)', width(2), panel(2))}
    (local.set $end (i32.and (local.get $ldc) (i32.const -16)))
    ${countedLoop('panels4', 'col', '(local.get $end)', width(1), panel(1))}
    ${countedLoop('panels1', 'col', '(local.get $ldc)', width(0), panel(0))})`;
}


/** The element-wise operations of `binaryFunc`: [export name, f32 operation, operands swapped]. */
export const BINARY_OPS: [string, string, boolean][] = [
  ['add', 'add', false], ['mul', 'mul', false], ['sub', 'sub', false], ['rsub', 'sub', true],
  ['div', 'div', false], ['rdiv', 'div', true]];

/**
 * name(a, b, out, rows, cols, mode): out [rows, cols] = a [rows, cols] op b, one IEEE float32
 * operation per value (so the same bits as tfjs's kernels), with b broadcast by `mode`: 0, b has a's
 * shape; 1, b is one row [cols] repeated for every row; 2, b is one column [rows], its value
 * repeated along the row (a scalar is one column of one row). With `swapped`, out = b op a. tfjs's
 * XNNPACK kernels loop over the innermost dimension, with a fixed cost per row: [256, 2] times [2]
 * took about 8 us here in steady state, against 3.5-4 us for ours.
 */
function binaryFunc(name: string, op: string, swapped: boolean): string {
  const apply = (t: string, x: string, y: string) => (swapped ? `(${t}.${op} ${y} ${x})` : `(${t}.${op} ${x} ${y})`);
  const bAt = `(select (i32.add (local.get $b) (local.get $j)) (i32.add (local.get $bRow) (local.get $j)) (i32.eq (local.get $mode) (i32.const 1)))`;
  return `
  (func (export "${name}") (param $a i32) (param $b i32) (param $out i32) (param $rows i32) (param $cols i32) (param $mode i32)
    (local $r i32) (local $j i32) (local $rowBytes i32) (local $vectorEnd i32) (local $bRow i32) (local $column v128) (local $scalar f32)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $vectorEnd (i32.and (local.get $rowBytes) (i32.const -16)))
    ${countedLoop('rows', 'r', '(local.get $rows)', 1, `
      ;; b's values for this row: its own row (mode 0), the one row (mode 1), or one value (mode 2)
      (local.set $bRow (i32.add (local.get $b) (i32.mul (local.get $r) (local.get $rowBytes))))
      (local.set $j (i32.const 0))
      (if (i32.eq (local.get $mode) (i32.const 2))
        (then
          (local.set $scalar (f32.load (i32.add (local.get $b) (i32.shl (local.get $r) (i32.const 2)))))
          (local.set $column (f32x4.splat (local.get $scalar)))          ${countedLoop('columnVectors', 'j', '(local.get $vectorEnd)', 16, `
            (v128.store (i32.add (local.get $out) (local.get $j)) ${apply('f32x4', '(v128.load (i32.add (local.get $a) (local.get $j)))', '(local.get $column)')})`)}
          ${countedLoop('columnTail', 'j', '(local.get $rowBytes)', 4, `
            (f32.store (i32.add (local.get $out) (local.get $j)) ${apply('f32', '(f32.load (i32.add (local.get $a) (local.get $j)))', '(local.get $scalar)')})`)})
        (else
          ${countedLoop('vectors', 'j', '(local.get $vectorEnd)', 16, `
            (v128.store (i32.add (local.get $out) (local.get $j)) ${apply('f32x4', '(v128.load (i32.add (local.get $a) (local.get $j)))', `(v128.load ${bAt})`)})`)}
          ${countedLoop('tail', 'j', '(local.get $rowBytes)', 4, `
            (f32.store (i32.add (local.get $out) (local.get $j)) ${apply('f32', '(f32.load (i32.add (local.get $a) (local.get $j)))', `(f32.load ${bAt})`)})`)}))
      (local.set $a (i32.add (local.get $a) (local.get $rowBytes)))
      (local.set $out (i32.add (local.get $out) (local.get $rowBytes)))`)})`;
}

/** WAT constants hoisted into locals: k4 and i4 name a splatted float or integer, `locals` declares them and `sets` fills them. */
function constantPool() {
  const constants = new Map<string, string>(); // WAT constant -> the local that holds it
  const hoist = (text: string) => {
    if (!constants.has(text)) constants.set(text, `$k${constants.size}`);
    return `(local.get ${constants.get(text)})`;
  };
  return {
    k4: (x: number) => hoist(`(v128.const f32x4 ${x} ${x} ${x} ${x})`),
    i4: (x: number) => hoist(`(v128.const i32x4 ${x} ${x} ${x} ${x})`),
    locals: () => [...constants.values()],
    sets: () => [...constants].map(([text, local]) => `(local.set ${local} ${text})`).join('\n    '),
  };
}
type Pool = ReturnType<typeof constantPool>;

/** The v128 locals that `exp` and `tanh` below use. */
const FORMULA_LOCALS = ['in', 'res', 't', 'n', 'r', 'z', 'p', 'k', 'half', 'ex', 'e', 'a', 'w', 'small', 'large', 's'];

/** Horner's rule in f32x4 for coefficients from the highest power down, in the local `z`. */
function horner(k4: Pool['k4'], coefficients: number[], z: string): string {
  return coefficients.slice(1).reduce((acc, c) => `(f32x4.add (f32x4.mul ${acc} (local.get ${z})) ${k4(c)})`, k4(coefficients[0]));
}

/** exp of local $ex into local $e (Cephes' expf, see unaryFuncs). */
function exp({ k4, i4 }: Pool): string {
  return `
      ;; beyond these, exp is infinite or zero in float32 anyway
      (local.set $ex (f32x4.pmax (f32x4.pmin (local.get $ex) ${k4(89)}) ${k4(-104)}))
      ;; n = round(x / ln 2), ties to even, by adding and taking away 1.5 2^23 (exact for |n| < 2^22), and
      ;; the integer n from the same sum's bits: cheaper than f32x4.nearest and i32x4.trunc_sat on x86
      (local.set $t (f32x4.add (f32x4.mul (local.get $ex) ${k4(1.44269504088896341)}) ${k4(12582912)}))
      (local.set $n (f32x4.sub (local.get $t) ${k4(12582912)}))
      (local.set $r (f32x4.sub (f32x4.sub (local.get $ex) (f32x4.mul (local.get $n) ${k4(0.693359375)}))
                               (f32x4.mul (local.get $n) ${k4(-2.12194440e-4)})))
      (local.set $z (f32x4.mul (local.get $r) (local.get $r)))
      (local.set $p (f32x4.add (f32x4.add (f32x4.mul ${horner(k4, [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1], '$r')} (local.get $z))
                                          (local.get $r)) ${k4(1)}))
      ;; 2^n as 2^(n >> 1) 2^(n - (n >> 1)): each factor's exponent stays in range
      (local.set $k (i32x4.sub (local.get $t) ${i4(0x4b400000)}))
      (local.set $half (i32x4.shr_s (local.get $k) (i32.const 1)))
      (local.set $e (f32x4.mul (f32x4.mul (local.get $p) (i32x4.shl (i32x4.add (local.get $half) ${i4(127)}) (i32.const 23)))
                               (i32x4.shl (i32x4.add (i32x4.sub (local.get $k) (local.get $half)) ${i4(127)}) (i32.const 23))))`;
}

/** tanh of local $in into local $res (see unaryFuncs). */
function tanh(pool: Pool): string {
  const { k4, i4 } = pool;
  return `
      (local.set $a (f32x4.abs (local.get $in)))
      (local.set $w (f32x4.mul (local.get $in) (local.get $in)))
      (local.set $small (f32x4.add (f32x4.mul (f32x4.mul ${horner(k4, [-5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1], '$w')} (local.get $w)) (local.get $in)) (local.get $in)))
      (local.set $ex (f32x4.add (local.get $a) (local.get $a)))${exp(pool)}
      (local.set $large (f32x4.sub ${k4(1)} (f32x4.div ${k4(2)} (f32x4.add (local.get $e) ${k4(1)}))))
      ;; tanh is odd: the magnitude of the branch that applies, with x's sign bit (so tanh(-0) = -0)
      (local.set $res (v128.or (f32x4.abs (v128.bitselect (local.get $small) (local.get $large) (f32x4.lt (local.get $a) ${k4(0.625)})))
                               (v128.and (local.get $in) ${i4(0x80000000)})))`;
}

/**
 * Element-wise exp, tanh and softplus, four values at a time (tfjs's wasm kernels call the C
 * library once per value: 7, 14 and 16 ns per value here). exp is Cephes' expf: n = round(x / ln 2)
 * and exp(x) = 2^n exp(r), r = x - n ln 2 (ln 2 in two parts), exp(r) by a degree-7 polynomial, and
 * 2^n applied as two powers of two so that the result overflows to infinity and underflows through
 * the subnormals as exp does. tanh(x) is Cephes' odd polynomial for |x| < 0.625 and
 * 1 - 2 / (exp(2|x|) + 1), with x's sign, above. softplus(x) = max(x, 0) + log1p(exp(-|x|)), and
 * log1p(u) for u in (0, 1] is 2 atanh(s) with s = u / (2 + u), a series in s^2 that keeps its
 * relative accuracy for small u. NaN stays NaN (pmin and pmax keep their first operand).
 * Each export is f(x, out, n) on n float32 values; the last n % 4 go one at a time through the
 * same vector code. The formulas are written inline in each loop, with their constants in locals
 * set once before it: V8 builds a v128.const afresh wherever it appears (a few instructions each),
 * and it does not inline calls, so a per-vector function with its constants inside ran 2-3 times
 * slower.
 */
function unaryFuncs(): string {
  /** One exported loop; `body` writes the result of the input local $in to local $res. */
  const loop = (name: string, body: (pool: Pool) => string) => {
    const pool = constantPool();
    const code = body(pool);
    return `
  (func (export "${name}") (param $x i32) (param $out i32) (param $n_ i32) (local $at i32) (local $end i32) (local $vectorEnd i32)
    ${[...FORMULA_LOCALS.map((l) => `$${l}`), ...pool.locals()].map((l) => `(local ${l} v128)`).join(' ')}
    ${pool.sets()}
    (local.set $end (i32.shl (local.get $n_) (i32.const 2)))
    (local.set $vectorEnd (i32.and (local.get $end) (i32.const -16)))
    ${countedLoop('vectors', 'at', '(local.get $vectorEnd)', 16, `
      (local.set $in (v128.load (i32.add (local.get $x) (local.get $at))))${code}
      (v128.store (i32.add (local.get $out) (local.get $at)) (local.get $res))`)}
    ${countedLoop('tail', 'at', '(local.get $end)', 4, `
      (local.set $in (f32x4.splat (f32.load (i32.add (local.get $x) (local.get $at)))))${code}
      (f32.store (i32.add (local.get $out) (local.get $at)) (f32x4.extract_lane 0 (local.get $res)))`)})`;
  };
  const expLoop = loop('exp', (pool) => `
      (local.set $ex (local.get $in))${exp(pool)}
      (local.set $res (local.get $e))`);
  const tanhLoop = loop('tanh', tanh);
  const softplusLoop = loop('softplus', softplus);
  return `${expLoop}${tanhLoop}${softplusLoop}${activationGradFuncs()}`;
}

/**
 * tanhGrad(y, dy, out, n): out = (1 - y y) dy, and sigmoidGrad(y, dy, out, n): out = dy (y (1 - y)),
 * the gradients of tanh and sigmoid from their outputs y, with tfjs's operations in tfjs's order
 * (each exactly rounded, so the same bits) in one pass instead of three kernels. reluGrad(x, dy,
 * out, n): out = dy step(x), the ReLU's gradient from its input or its output, as tfjs's dy times
 * its Step (1 where x > 0, else 0, NaN where x is NaN: a zero keeps dy's sign) in one pass, not two.
 */
function activationGradFuncs(): string {
  const pair = (name: string, formula: (y: string, dy: string, one: string) => string) => {
    const one = '(local.get $one)';
    const at = (p: string) => `(i32.add (local.get $${p}) (local.get $at))`;
    return `
  (func (export "${name}") (param $y i32) (param $dy i32) (param $out i32) (param $n_ i32) (local $at i32) (local $end i32) (local $vectorEnd i32) (local $one v128)
    (local.set $one (v128.const f32x4 1 1 1 1))
    (local.set $end (i32.shl (local.get $n_) (i32.const 2)))
    (local.set $vectorEnd (i32.and (local.get $end) (i32.const -16)))
    ${countedLoop('vectors', 'at', '(local.get $vectorEnd)', 16, `
      (v128.store ${at('out')} ${formula(`(v128.load ${at('y')})`, `(v128.load ${at('dy')})`, one)})`)}
    ${countedLoop('tail', 'at', '(local.get $end)', 4, `
      (f32.store ${at('out')} (f32x4.extract_lane 0 ${formula(`(f32x4.splat (f32.load ${at('y')}))`, `(f32x4.splat (f32.load ${at('dy')}))`, one)}))`)})`;
  };
  return pair('tanhGrad', (y, dy, one) => `(f32x4.mul (f32x4.sub ${one} (f32x4.mul ${y} ${y})) ${dy})`)
    + pair('sigmoidGrad', (y, dy, one) => `(f32x4.mul ${dy} (f32x4.mul ${y} (f32x4.sub ${one} ${y})))`)
    + pair('reluGrad', (x, dy, one) => `(v128.bitselect ${x} (f32x4.mul ${dy} (v128.and ${one} (f32x4.gt ${x} (v128.const f32x4 0 0 0 0)))) (f32x4.ne ${x} ${x}))`);
}

/** softplus of local $in into local $res (see unaryFuncs). */
function softplus(pool: Pool): string {
  const { k4 } = pool;
  return `
      (local.set $ex (f32x4.neg (f32x4.abs (local.get $in))))${exp(pool)}
      (local.set $s (f32x4.div (local.get $e) (f32x4.add (local.get $e) ${k4(2)})))
      (local.set $w (f32x4.mul (local.get $s) (local.get $s)))
      (local.set $res (f32x4.add (f32x4.pmax (local.get $in) ${k4(0)})
                                 (f32x4.mul (f32x4.add (local.get $s) (local.get $s)) ${horner(k4, [1 / 13, 1 / 11, 1 / 9, 1 / 7, 1 / 5, 1 / 3, 1], '$w')})))`;
}

/**
 * A loop over the units of [rows, width] matrices, four columns at a time and the last width % 4
 * one at a time through the same vector code (splatted loads, lane 0 stored). `body` gets a load
 * and a store of array `p` at column section `section` (a byte offset: 0, $w4 or $w8 for the
 * three gates of a [rows, 3 width] array); `wide` are the arrays of three sections per row.
 */
function unitLoop(arrays: string[], wide: string[], body: (load: (p: string, section?: string) => string, store: (p: string, section: string, value: string) => string) => string): string {
  const at = (p: string, section: string) => `(i32.add (i32.add (local.get $${p}) (local.get $j)) ${section})`;
  const vector = body((p, section = '(i32.const 0)') => `(v128.load ${at(p, section)})`, (p, section, value) => `(v128.store ${at(p, section)} ${value})`);
  const scalar = body((p, section = '(i32.const 0)') => `(f32x4.splat (f32.load ${at(p, section)}))`, (p, section, value) => `(f32.store ${at(p, section)} (f32x4.extract_lane 0 ${value}))`);
  return `
    (local.set $w4 (i32.shl (local.get $width) (i32.const 2)))
    (local.set $w8 (i32.shl (local.get $width) (i32.const 3)))
    (local.set $vectorEnd (i32.and (local.get $w4) (i32.const -16)))
    ${countedLoop('rows', 'row', '(local.get $rows)', 1, `
      (local.set $j (i32.const 0))
      ${countedLoop('vectors', 'j', '(local.get $vectorEnd)', 16, vector)}
      ${countedLoop('tail', 'j', '(local.get $w4)', 4, scalar)}
      ${arrays.map((p) => `(local.set $${p} (i32.add (local.get $${p}) ${wide.includes(p) ? '(i32.add (local.get $w4) (local.get $w8))' : '(local.get $w4)'}))`).join('\n      ')}`)}`;
}

/**
 * The gated recurrent unit's gates, the element-wise part of its step (lib/nn/gru-gates.ts), from
 * the projections gx = x Wx + bx and gh = h Wh + bh ([rows, 3 width] each: update, reset, candidate):
 * - gruForward(gx, gh, h, out, gates, rows, width): z = sigmoid(gx_z + gh_z), r = sigmoid(gx_r + gh_r),
 *   n = tanh(gx_n + r gh_n), out = (1 - z) n + z h; gates [rows, 3 width] keeps z, r and n for the
 *   backward pass. sigmoid(a) = 1 / (1 + exp(-a)) and tanh are unaryFuncs' formulas.
 * - gruBackward(dout, gates, gh, h, dgx, dgh, dh, rows, width): the gradients of the three inputs
 *   given dout: d(pre-activation) of z is dout (h - n) z (1 - z), of n is dout (1 - z) (1 - n^2), of
 *   r is that times gh_n r (1 - r); dgx holds the three, dgh the same with r times the candidate's;
 *   dh = dout z (the path through the recurrent product is the product's own gradient).
 * Ten tfjs kernels forward and about twenty-five backward per step were each a dispatch on a few
 * thousand values; a sequence model's step ran thousands of them.
 */
function gruFuncs(): string {
  const vLocals = (pool: Pool, names: string[]) => [...names.map((l) => `$${l}`), ...pool.locals()].map((l) => `(local ${l} v128)`).join(' ');
  const iLocals = '(local $row i32) (local $j i32) (local $w4 i32) (local $w8 i32) (local $vectorEnd i32)';
  const fwd = constantPool();
  const { k4 } = fwd;
  const sigmoidOf = (name: string) => `${exp(fwd)}
      (local.set $${name} (f32x4.div ${k4(1)} (f32x4.add ${k4(1)} (local.get $e))))`;
  const forwardLoop = unitLoop(['gx', 'gh', 'h', 'out', 'gates'], ['gx', 'gh', 'gates'], (load, store) => `
      (local.set $ex (f32x4.neg (f32x4.add ${load('gx')} ${load('gh')})))${sigmoidOf('uz')}
      (local.set $ex (f32x4.neg (f32x4.add ${load('gx', '(local.get $w4)')} ${load('gh', '(local.get $w4)')})))${sigmoidOf('ur')}
      (local.set $in (f32x4.add ${load('gx', '(local.get $w8)')} (f32x4.mul (local.get $ur) ${load('gh', '(local.get $w8)')})))${tanh(fwd)}
      ${store('gates', '(i32.const 0)', '(local.get $uz)')}
      ${store('gates', '(local.get $w4)', '(local.get $ur)')}
      ${store('gates', '(local.get $w8)', '(local.get $res)')}
      ${store('out', '(i32.const 0)', `(f32x4.add (f32x4.mul (f32x4.sub ${k4(1)} (local.get $uz)) (local.get $res)) (f32x4.mul (local.get $uz) ${load('h')}))`)}`);
  const forward = `
  (func (export "gruForward") (param $gx i32) (param $gh i32) (param $h i32) (param $out i32) (param $gates i32) (param $rows i32) (param $width i32)
    ${iLocals}
    ${vLocals(fwd, [...FORMULA_LOCALS, 'uz', 'ur'])}
    ${fwd.sets()}${forwardLoop})`;
  const bwd = constantPool();
  const one = bwd.k4(1);
  const backwardLoop = unitLoop(['dout', 'gates', 'gh', 'h', 'dgx', 'dgh', 'dh'], ['gates', 'gh', 'dgx', 'dgh'], (load, store) => `
      (local.set $g ${load('dout')})
      (local.set $uz ${load('gates')})
      (local.set $ur ${load('gates', '(local.get $w4)')})
      (local.set $un ${load('gates', '(local.get $w8)')})
      (local.set $dn (f32x4.mul (f32x4.mul (local.get $g) (f32x4.sub ${one} (local.get $uz)))
                                (f32x4.sub ${one} (f32x4.mul (local.get $un) (local.get $un)))))
      (local.set $dr (f32x4.mul (f32x4.mul (f32x4.mul (local.get $dn) ${load('gh', '(local.get $w8)')}) (local.get $ur))
                                (f32x4.sub ${one} (local.get $ur))))
      (local.set $dz (f32x4.mul (f32x4.mul (f32x4.mul (local.get $g) (f32x4.sub ${load('h')} (local.get $un))) (local.get $uz))
                                (f32x4.sub ${one} (local.get $uz))))
      ${store('dgx', '(i32.const 0)', '(local.get $dz)')}
      ${store('dgx', '(local.get $w4)', '(local.get $dr)')}
      ${store('dgx', '(local.get $w8)', '(local.get $dn)')}
      ${store('dgh', '(i32.const 0)', '(local.get $dz)')}
      ${store('dgh', '(local.get $w4)', '(local.get $dr)')}
      ${store('dgh', '(local.get $w8)', '(f32x4.mul (local.get $dn) (local.get $ur))')}
      ${store('dh', '(i32.const 0)', '(f32x4.mul (local.get $g) (local.get $uz))')}`);
  const backward = `
  (func (export "gruBackward") (param $dout i32) (param $gates i32) (param $gh i32) (param $h i32) (param $dgx i32) (param $dgh i32) (param $dh i32) (param $rows i32) (param $width i32)
    ${iLocals}
    ${vLocals(bwd, ['g', 'uz', 'ur', 'un', 'dn', 'dr', 'dz'])}
    ${bwd.sets()}${backwardLoop})`;
  return `${forward}${backward}`;
}

/**
 * A Bernoulli log-likelihood from logits, summed over each row (lib/distributions/bernoulli-rows.ts):
 * - bernoulliForward(x, l, out, rows, width): out[i] = sum_j x_ij l_ij - softplus(l_ij);
 * - bernoulliBackward(dy, x, l, dl, rows, width): dl_ij = dy_i (x_ij - sigmoid(l_ij)).
 * softplus and sigmoid are unaryFuncs' formulas. A row is summed in four lanes, then across them;
 * the last width % 4 values go through the same vector code, lane 0 only. Written with tfjs
 * operations, the forward pass was four kernels and the backward pass about eight, each a pass over
 * a decoder's whole output (392,000 values for an IWAE step at the MNIST size).
 */
function bernoulliFuncs(): string {
  const iLocals = '(local $row i32) (local $j i32) (local $w4 i32) (local $vectorEnd i32)';
  const vLocals = (pool: Pool, names: string[]) => [...names.map((l) => `$${l}`), ...pool.locals()].map((l) => `(local ${l} v128)`).join(' ');
  /** The loop over rows and their columns; `vector` and `tail` bodies see the column's byte offset $j. */
  const rowsLoop = (start: string, vector: string, tail: string, end: string, advance: string[]) => `${ROW_BYTES}
    ${countedLoop('rows', 'row', '(local.get $rows)', 1, `${start}${rowColumns(vector, tail)}${end}
      ${advance.join('\n      ')}`)}`;
  const at = (p: string) => `(i32.add (local.get $${p}) (local.get $j))`;
  const fwd = constantPool();
  const term = (load: (p: string) => string) => `
      (local.set $in ${load('l')})${softplus(fwd)}
      (local.set $v (f32x4.sub (f32x4.mul ${load('x')} (local.get $in)) (local.get $res)))`;
  const forwardLoop = rowsLoop(`
      (local.set $acc (v128.const f32x4 0 0 0 0))`,
    `${term((p) => `(v128.load ${at(p)})`)}
      (local.set $acc (f32x4.add (local.get $acc) (local.get $v)))`,
    `${term((p) => `(f32x4.splat (f32.load ${at(p)}))`)}
      (local.set $acc (f32x4.add (local.get $acc) (v128.and (local.get $v) (v128.const i32x4 -1 0 0 0))))`,
    `
      (f32.store (local.get $out) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
                                           (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))`,
    ['(local.set $x (i32.add (local.get $x) (local.get $w4)))', '(local.set $l (i32.add (local.get $l) (local.get $w4)))', '(local.set $out (i32.add (local.get $out) (i32.const 4)))']);
  const forward = `
  (func (export "bernoulliForward") (param $x i32) (param $l i32) (param $out i32) (param $rows i32) (param $width i32)
    ${iLocals}
    ${vLocals(fwd, [...FORMULA_LOCALS, 'v', 'acc'])}
    ${fwd.sets()}${forwardLoop})`;
  const bwd = constantPool();
  const one = bwd.k4(1);
  const gradient = (load: (p: string) => string) => `
      (local.set $ex (f32x4.neg ${load('l')}))${exp(bwd)}
      (local.set $v (f32x4.mul (local.get $g) (f32x4.sub ${load('x')} (f32x4.div ${one} (f32x4.add ${one} (local.get $e))))))`;
  const backwardLoop = rowsLoop(`
      (local.set $g (v128.load32_splat (local.get $dy)))`,
    `${gradient((p) => `(v128.load ${at(p)})`)}
      (v128.store ${at('dl')} (local.get $v))`,
    `${gradient((p) => `(f32x4.splat (f32.load ${at(p)}))`)}
      (f32.store ${at('dl')} (f32x4.extract_lane 0 (local.get $v)))`,
    '',
    ['(local.set $x (i32.add (local.get $x) (local.get $w4)))', '(local.set $l (i32.add (local.get $l) (local.get $w4)))',
      '(local.set $dl (i32.add (local.get $dl) (local.get $w4)))', '(local.set $dy (i32.add (local.get $dy) (i32.const 4)))']);
  const backward = `
  (func (export "bernoulliBackward") (param $dy i32) (param $x i32) (param $l i32) (param $dl i32) (param $rows i32) (param $width i32)
    ${iLocals}
    ${vLocals(bwd, [...FORMULA_LOCALS, 'v', 'g'])}
    ${bwd.sets()}${backwardLoop})`;
  return `${forward}${backward}`;
}

/**
 * Layer normalisation of the rows of [rows, width] matrices (lib/nn/layer-norm-rows.ts):
 * - layerNormForward(x, gain, bias, out, normed, rstd, rows, width, epsilon): per row, the mean m and
 *   variance v over its width values, r = 1 / sqrt(v + epsilon), normed = (x - m) r, out = normed gain
 *   + bias; normed and rstd (r per row) are kept for the backward pass.
 * - layerNormBackward(dy, normed, rstd, gain, dx, dgain, dbias, rows, width): with g = dy gain,
 *   dx = r (g - mean(g) - normed mean(g normed)) per row; dgain and dbias are the column sums of
 *   dy normed and dy over the rows (zeroed first).
 * Sums run in four lanes, then across them; the last width % 4 values go through the same vector
 * code, lane 0 only. With tfjs operations the two passes were about nine and twenty kernels.
 */
function layerNormFuncs(): string {
  const iLocals = '(local $row i32) (local $j i32) (local $w4 i32) (local $vectorEnd i32) (local $scale f32)';
  const lane0 = '(v128.const i32x4 -1 0 0 0)';
  const at = (p: string) => `(i32.add (local.get $${p}) (local.get $j))`;
  const vload = (p: string) => `(v128.load ${at(p)})`;
  const sload = (p: string) => `(f32x4.splat (f32.load ${at(p)}))`;
  const setup = `${ROW_BYTES}
    (local.set $scale (f32.div (f32.const 1) (f32.convert_i32_u (local.get $width))))`;
  const next = (arrays: string[], perRow: string[]) => [
    ...arrays.map((p) => `(local.set $${p} (i32.add (local.get $${p}) (local.get $w4)))`),
    ...perRow.map((p) => `(local.set $${p} (i32.add (local.get $${p}) (i32.const 4)))`)].join('\n      ');
  const forward = `
  (func (export "layerNormForward") (param $x i32) (param $gain i32) (param $bias i32) (param $out i32) (param $normed i32) (param $rstd i32)
      (param $rows i32) (param $width i32) (param $epsilon f32)
    ${iLocals} (local $acc v128) (local $mean v128) (local $r v128) (local $d v128) (local $n v128)${setup}
    ${countedLoop('rows', 'row', '(local.get $rows)', 1, `
      (local.set $acc (v128.const f32x4 0 0 0 0))${rowColumns(`
        (local.set $acc (f32x4.add (local.get $acc) ${vload('x')}))`, `
        (local.set $acc (f32x4.add (local.get $acc) (v128.and ${sload('x')} ${lane0})))`)}
      (local.set $mean (f32x4.splat (f32.mul ${acrossLanes('f32.add', '$acc')} (local.get $scale))))
      (local.set $acc (v128.const f32x4 0 0 0 0))${rowColumns(`
        (local.set $d (f32x4.sub ${vload('x')} (local.get $mean)))
        (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $d) (local.get $d))))`, `
        (local.set $d (v128.and (f32x4.sub ${sload('x')} (local.get $mean)) ${lane0}))
        (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $d) (local.get $d))))`)}
      (local.set $r (f32x4.splat (f32.div (f32.const 1) (f32.sqrt (f32.add (f32.mul ${acrossLanes('f32.add', '$acc')} (local.get $scale)) (local.get $epsilon))))))
      (f32.store (local.get $rstd) (f32x4.extract_lane 0 (local.get $r)))
      ;; the gain and bias are read at the same column offset: they are one row long${rowColumns(`
        (local.set $n (f32x4.mul (f32x4.sub ${vload('x')} (local.get $mean)) (local.get $r)))
        (v128.store ${at('normed')} (local.get $n))
        (v128.store ${at('out')} (f32x4.add (f32x4.mul (local.get $n) (v128.load (i32.add (local.get $gain) (local.get $j)))) (v128.load (i32.add (local.get $bias) (local.get $j)))))`, `
        (local.set $n (f32x4.mul (f32x4.sub ${sload('x')} (local.get $mean)) (local.get $r)))
        (f32.store ${at('normed')} (f32x4.extract_lane 0 (local.get $n)))
        (f32.store ${at('out')} (f32.add (f32.mul (f32x4.extract_lane 0 (local.get $n)) (f32.load (i32.add (local.get $gain) (local.get $j)))) (f32.load (i32.add (local.get $bias) (local.get $j)))))`)}
      ${next(['x', 'out', 'normed'], ['rstd'])}`)})`;
  const backward = `
  (func (export "layerNormBackward") (param $dy i32) (param $normed i32) (param $rstd i32) (param $gain i32) (param $dx i32) (param $dgain i32) (param $dbias i32)
      (param $rows i32) (param $width i32)
    ${iLocals} (local $s1 v128) (local $s2 v128) (local $g v128) (local $r v128) (local $m1 v128) (local $m2 v128)${setup}
    ;; dgain and dbias start at zero: their rows are added to below
    (local.set $j (i32.const 0))
    ${countedLoop('zero', 'j', '(local.get $w4)', 4, `
      (f32.store ${at('dgain')} (f32.const 0))
      (f32.store ${at('dbias')} (f32.const 0))`)}
    ${countedLoop('rows', 'row', '(local.get $rows)', 1, `
      (local.set $s1 (v128.const f32x4 0 0 0 0))
      (local.set $s2 (v128.const f32x4 0 0 0 0))${rowColumns(`
        (local.set $g (f32x4.mul ${vload('dy')} (v128.load (i32.add (local.get $gain) (local.get $j)))))
        (local.set $s1 (f32x4.add (local.get $s1) (local.get $g)))
        (local.set $s2 (f32x4.add (local.get $s2) (f32x4.mul (local.get $g) ${vload('normed')})))
        (v128.store ${at('dgain')} (f32x4.add (v128.load ${at('dgain')}) (f32x4.mul ${vload('dy')} ${vload('normed')})))
        (v128.store ${at('dbias')} (f32x4.add (v128.load ${at('dbias')}) ${vload('dy')}))`, `
        (local.set $g (v128.and (f32x4.mul ${sload('dy')} (f32x4.splat (f32.load (i32.add (local.get $gain) (local.get $j))))) ${lane0}))
        (local.set $s1 (f32x4.add (local.get $s1) (local.get $g)))
        (local.set $s2 (f32x4.add (local.get $s2) (f32x4.mul (local.get $g) ${sload('normed')})))
        (f32.store ${at('dgain')} (f32.add (f32.load ${at('dgain')}) (f32.mul (f32.load ${at('dy')}) (f32.load ${at('normed')}))))
        (f32.store ${at('dbias')} (f32.add (f32.load ${at('dbias')}) (f32.load ${at('dy')})))`)}
      (local.set $m1 (f32x4.splat (f32.mul ${acrossLanes('f32.add', '$s1')} (local.get $scale))))
      (local.set $m2 (f32x4.splat (f32.mul ${acrossLanes('f32.add', '$s2')} (local.get $scale))))
      (local.set $r (v128.load32_splat (local.get $rstd)))${rowColumns(`
        (local.set $g (f32x4.mul ${vload('dy')} (v128.load (i32.add (local.get $gain) (local.get $j)))))
        (v128.store ${at('dx')} (f32x4.mul (local.get $r) (f32x4.sub (f32x4.sub (local.get $g) (local.get $m1)) (f32x4.mul ${vload('normed')} (local.get $m2)))))`, `
        (local.set $g (f32x4.mul ${sload('dy')} (f32x4.splat (f32.load (i32.add (local.get $gain) (local.get $j))))))
        (f32.store ${at('dx')} (f32x4.extract_lane 0 (f32x4.mul (local.get $r) (f32x4.sub (f32x4.sub (local.get $g) (local.get $m1)) (f32x4.mul ${sload('normed')} (local.get $m2))))))`)}
      ${next(['dy', 'normed', 'dx'], ['rstd'])}`)})`;
  return `${forward}${backward}`;
}

/** The v128 locals that `log` below uses. */
const LOG_LOCALS = ['lx', 'ly', 'le', 'lm', 'lmask', 'ls', 'lw', 'ln'];

/**
 * Natural log of local $lx into local $ly (see normalFuncs). x = 2^e m from the float's bits, with m
 * in [1, 2), halved with e + 1 above sqrt 2 so that m is in [0.71, 1.41]; subnormal x are scaled by
 * 2^23 first. log m = 2 atanh(s), s = (m - 1) / (m + 1) with |s| < 0.172, a series in s^2 as in
 * softplus's log1p, and log x = e ln 2 + log m with ln 2 in two parts as in exp. Zero gives -inf, a
 * negative x NaN, and +inf and NaN themselves.
 */
function log({ k4, i4 }: Pool): string {
  return `
      (local.set $lmask (f32x4.lt (local.get $lx) ${k4(1.17549435e-38)}))
      (local.set $lm (v128.bitselect (f32x4.mul (local.get $lx) ${k4(8388608)}) (local.get $lx) (local.get $lmask)))
      (local.set $le (i32x4.sub (i32x4.sub (i32x4.shr_u (local.get $lm) (i32.const 23)) ${i4(127)})
                                (v128.and (local.get $lmask) ${i4(23)})))
      (local.set $lm (v128.or (v128.and (local.get $lm) ${i4(0x007fffff)}) ${i4(0x3f800000)}))
      (local.set $lmask (f32x4.gt (local.get $lm) ${k4(1.41421356)}))
      (local.set $lm (v128.bitselect (f32x4.mul (local.get $lm) ${k4(0.5)}) (local.get $lm) (local.get $lmask)))
      (local.set $le (i32x4.sub (local.get $le) (local.get $lmask)))
      (local.set $ls (f32x4.div (f32x4.sub (local.get $lm) ${k4(1)}) (f32x4.add (local.get $lm) ${k4(1)})))
      (local.set $lw (f32x4.mul (local.get $ls) (local.get $ls)))
      (local.set $ln (f32x4.convert_i32x4_s (local.get $le)))
      (local.set $ly (f32x4.add (f32x4.add (f32x4.mul (f32x4.add (local.get $ls) (local.get $ls)) ${horner(k4, [1 / 11, 1 / 9, 1 / 7, 1 / 5, 1 / 3, 1], '$lw')})
                                           (f32x4.mul (local.get $ln) ${k4(-2.12194440e-4)}))
                                (f32x4.mul (local.get $ln) ${k4(0.693359375)})))
      ;; the special values: +inf and NaN stay, zero gives -inf, a negative value NaN
      (local.set $ly (v128.bitselect (local.get $ly) (local.get $lx) (f32x4.lt (local.get $lx) ${i4(0x7f800000)})))
      (local.set $ly (v128.bitselect ${i4(-8388608)} (local.get $ly) (f32x4.eq (local.get $lx) ${k4(0)})))
      (local.set $ly (v128.bitselect ${i4(0x7fc00000)} (local.get $ly) (f32x4.lt (local.get $lx) ${k4(0)})))`;
}

/**
 * A diagonal Gaussian's log-density of rows, and the KL divergence of two (lib/distributions/normal-rows.ts):
 * - normalForward(x, loc, scale, out, rows, groupRows, width, offset): with u = (x - loc) / scale,
 *   out[i] = sum_j -u_ij^2 / 2 - log scale_ij, minus offset (width log(2 pi) / 2). x has `rows` rows
 *   and loc and scale `groupRows`: row i of x is scored under their row i mod groupRows (the
 *   particles of an importance-weighted bound share their example's q).
 * - normalBackward(dy, x, loc, scale, dx, dloc, dscale, rows, groupRows, width): dx = -dy u / scale;
 *   dloc and dscale (zeroed first) sum dy u / scale and dy (u^2 - 1) / scale over the rows of x that
 *   share each row of theirs.
 * - normalKlForward(mp, sp, mq, sq, out, rows, width): with r = sp / sq and d = (mp - mq) / sq,
 *   out[i] = sum_j (r^2 + d^2 - 1) / 2 - log r.
 * - normalKlBackward(dy, mp, sp, mq, sq, dmp, dsp, dmq, dsq, rows, width): dmp = -dmq = dy d / sq,
 *   dsp = dy (r^2 - 1) / sp, dsq = dy (1 - r^2 - d^2) / sq.
 * log is the formula above. Sums run in four lanes, then across them; the last width % 4 values go
 * through the same vector code, lane 0 only. With tfjs operations the log-density was about nine
 * kernels forward and twenty backward, the KL about eleven and twenty-five.
 */
function normalFuncs(): string {
  const iLocals = '(local $row i32) (local $j i32) (local $w4 i32) (local $vectorEnd i32) (local $group i32) (local $lrow i32)';
  const lane0 = '(v128.const i32x4 -1 0 0 0)';
  const vLocals = (pool: Pool, names: string[]) =>
    [...names, ...LOG_LOCALS].map((l) => `$${l}`).concat(pool.locals()).map((l) => `(local ${l} v128)`).join(' ');
  /** The byte address of array p at the current column; loc-shaped arrays (`grouped`) at their current row. */
  const addr = (p: string, grouped = false) => grouped
    ? `(i32.add (i32.add (local.get $${p}) (local.get $lrow)) (local.get $j))`
    : `(i32.add (local.get $${p}) (local.get $j))`;
  /** Loads and stores of whole vectors, and in the tail of lane 0 of a splatted value. */
  const vector = { load: (a: string) => `(v128.load ${a})`, store: (a: string, v: string) => `(v128.store ${a} ${v})`, mask: (v: string) => v };
  const scalar = {
    load: (a: string) => `(f32x4.splat (f32.load ${a}))`,
    store: (a: string, v: string) => `(f32.store ${a} (f32x4.extract_lane 0 ${v}))`,
    mask: (v: string) => `(v128.and ${v} ${lane0})`,
  };
  /** The columns of the current row: `body` once with vector access, once for the tail. */
  const columns = (body: (m: typeof vector) => string) => rowColumns(body(vector), body(scalar));
  const setup = `${ROW_BYTES}
    (local.set $group (i32.const 0))
    (local.set $lrow (i32.const 0))`;
  /** Moves the row pointers on: `arrays` by a row, `perRow` by one value; loc's row wraps after groupRows. */
  const nextRow = (arrays: string[], perRow: string[], grouped: boolean) => `
      ${[...arrays.map((p) => `(local.set $${p} (i32.add (local.get $${p}) (local.get $w4)))`),
    ...perRow.map((p) => `(local.set $${p} (i32.add (local.get $${p}) (i32.const 4)))`)].join('\n      ')}${grouped ? `
      (local.set $lrow (i32.add (local.get $lrow) (local.get $w4)))
      (local.set $group (i32.add (local.get $group) (i32.const 1)))
      (if (i32.eq (local.get $group) (local.get $groupRows)) (then
        (local.set $group (i32.const 0))
        (local.set $lrow (i32.const 0))))` : ''}`;
  /** A function: its bodies are built first, so that their constants are in the pool for the locals. */
  const func = (head: string, names: string[], build: (pool: Pool) => string) => {
    const pool = constantPool();
    const body = build(pool);
    return `
  (func ${head}
    ${iLocals} ${vLocals(pool, names)}
    ${pool.sets()}${setup}${body})`;
  };
  const forward = func(`(export "normalForward") (param $x i32) (param $loc i32) (param $scale i32) (param $out i32)
      (param $rows i32) (param $groupRows i32) (param $width i32) (param $offset f32)`, ['acc', 'u'], (pool) =>
    countedLoop('rows', 'row', '(local.get $rows)', 1, `
      (local.set $acc (v128.const f32x4 0 0 0 0))${columns((m) => `
        (local.set $lx ${m.load(addr('scale', true))})
        (local.set $u (f32x4.div (f32x4.sub ${m.load(addr('x'))} ${m.load(addr('loc', true))}) (local.get $lx)))${log(pool)}
        (local.set $acc (f32x4.sub (local.get $acc)
          ${m.mask(`(f32x4.add (f32x4.mul (f32x4.mul (local.get $u) (local.get $u)) ${pool.k4(0.5)}) (local.get $ly))`)}))`)}
      (f32.store (local.get $out) (f32.sub ${acrossLanes('f32.add', '$acc')} (local.get $offset)))${nextRow(['x'], ['out'], true)}`));
  const backward = func(`(export "normalBackward") (param $dy i32) (param $x i32) (param $loc i32) (param $scale i32)
      (param $dx i32) (param $dloc i32) (param $dscale i32) (param $rows i32) (param $groupRows i32) (param $width i32)`,
  ['g', 's', 'u', 't'], (pool) => `
    ;; dloc and dscale start at zero: the rows of x add to them
    (local.set $j (i32.const 0))
    ${countedLoop('zero', 'j', '(i32.mul (local.get $groupRows) (local.get $w4))', 4, `
      (f32.store (i32.add (local.get $dloc) (local.get $j)) (f32.const 0))
      (f32.store (i32.add (local.get $dscale) (local.get $j)) (f32.const 0))`)}
    ${countedLoop('rows', 'row', '(local.get $rows)', 1, `
      (local.set $g (v128.load32_splat (local.get $dy)))${columns((m) => `
        (local.set $s ${m.load(addr('scale', true))})
        (local.set $u (f32x4.div (f32x4.sub ${m.load(addr('x'))} ${m.load(addr('loc', true))}) (local.get $s)))
        (local.set $t (f32x4.div (f32x4.mul (local.get $g) (local.get $u)) (local.get $s)))
        ${m.store(addr('dx'), '(f32x4.neg (local.get $t))')}
        ${m.store(addr('dloc', true), `(f32x4.add ${m.load(addr('dloc', true))} (local.get $t))`)}
        ${m.store(addr('dscale', true), `(f32x4.add ${m.load(addr('dscale', true))}
          (f32x4.div (f32x4.mul (local.get $g) (f32x4.sub (f32x4.mul (local.get $u) (local.get $u)) ${pool.k4(1)})) (local.get $s)))`)}`)}${nextRow(['x', 'dx'], ['dy'], true)}`)}`);
  const klForward = func(`(export "normalKlForward") (param $mp i32) (param $sp i32) (param $mq i32) (param $sq i32) (param $out i32)
      (param $rows i32) (param $width i32)`, ['acc', 'd'], (pool) =>
    countedLoop('rows', 'row', '(local.get $rows)', 1, `
      (local.set $acc (v128.const f32x4 0 0 0 0))${columns((m) => `
        (local.set $lx (f32x4.div ${m.load(addr('sp'))} ${m.load(addr('sq'))}))
        (local.set $d (f32x4.div (f32x4.sub ${m.load(addr('mp'))} ${m.load(addr('mq'))}) ${m.load(addr('sq'))}))${log(pool)}
        (local.set $acc (f32x4.add (local.get $acc) ${m.mask(`(f32x4.sub
          (f32x4.mul (f32x4.sub (f32x4.add (f32x4.mul (local.get $lx) (local.get $lx)) (f32x4.mul (local.get $d) (local.get $d))) ${pool.k4(1)}) ${pool.k4(0.5)})
          (local.get $ly))`)}))`)}
      (f32.store (local.get $out) ${acrossLanes('f32.add', '$acc')})${nextRow(['mp', 'sp', 'mq', 'sq'], ['out'], false)}`));
  const klBackward = func(`(export "normalKlBackward") (param $dy i32) (param $mp i32) (param $sp i32) (param $mq i32) (param $sq i32)
      (param $dmp i32) (param $dsp i32) (param $dmq i32) (param $dsq i32) (param $rows i32) (param $width i32)`,
  ['g', 'q', 'r2', 'd', 't'], (pool) =>
    countedLoop('rows', 'row', '(local.get $rows)', 1, `
      (local.set $g (v128.load32_splat (local.get $dy)))${columns((m) => `
        (local.set $q ${m.load(addr('sq'))})
        (local.set $r2 (f32x4.div ${m.load(addr('sp'))} (local.get $q)))
        (local.set $r2 (f32x4.mul (local.get $r2) (local.get $r2)))
        (local.set $d (f32x4.div (f32x4.sub ${m.load(addr('mp'))} ${m.load(addr('mq'))}) (local.get $q)))
        (local.set $t (f32x4.div (f32x4.mul (local.get $g) (local.get $d)) (local.get $q)))
        ${m.store(addr('dmp'), '(local.get $t)')}
        ${m.store(addr('dmq'), '(f32x4.neg (local.get $t))')}
        ${m.store(addr('dsp'), `(f32x4.div (f32x4.mul (local.get $g) (f32x4.sub (local.get $r2) ${pool.k4(1)})) ${m.load(addr('sp'))})`)}
        ${m.store(addr('dsq'), `(f32x4.div (f32x4.mul (local.get $g)
          (f32x4.sub (f32x4.sub ${pool.k4(1)} (local.get $r2)) (f32x4.mul (local.get $d) (local.get $d)))) (local.get $q))`)}`)}${nextRow(['mp', 'sp', 'mq', 'sq', 'dmp', 'dsp', 'dmq', 'dsq'], ['dy'], false)}`));
  return `${forward}${backward}${klForward}${klBackward}`;
}

/**
 * WAT source of the module, importing env.memory (shared, up to 4 GiB, when tfjs is the threaded
 * build). `fused`: the matrix product multiplies and adds with relaxed SIMD's f32x4.relaxed_madd
 * (one FMA instruction here), which Node 20 keeps behind a V8 flag; the other build uses mul + add.
 */
/**
 * The log-probability that softmax(logits) gives a named class, per row of [rows, width] logits
 * (lib/nn/class-log-prob.ts):
 * - classLogProbForward(x, classes, out, lse, rows, width): with m the row's largest logit and
 *   s = sum_j exp(x_j - m), out[i] = (x[c_i] - m) - log s, rounded in tfjs's logSoftmax's order;
 *   lse[i] = m + log s is kept for the backward pass. classes are int32, each in 0..width-1.
 * - classLogProbBackward(dy, x, classes, lse, dx, rows, width): dx = dy (onehot(c) - exp(x - lse)),
 *   written as -dy exp(x - lse) for every column and then dy added at the class's.
 * exp and log are the formulas above. With tfjs operations (logSoftmax, a one-hot, a product and a
 * sum) the two passes were about ten and six kernels.
 */
function classLogProbFuncs(): string {
  const iLocals = '(local $row i32) (local $j i32) (local $w4 i32) (local $vectorEnd i32) (local $m f32) (local $logS f32) (local $g f32) (local $at i32)';
  const vLocals = (pool: Pool) => [...FORMULA_LOCALS, ...LOG_LOCALS, 'acc', 'mv', 'gv'].map((l) => `$${l}`).concat(pool.locals()).map((l) => `(local ${l} v128)`).join(' ');
  const lane0 = '(v128.const i32x4 -1 0 0 0)';
  const addr = (p: string) => `(i32.add (local.get $${p}) (local.get $j))`;
  /** The class's column in the row at `base`: its byte address. */
  const classAt = (base: string) => `(i32.add (local.get $${base}) (i32.shl (i32.load (local.get $classes)) (i32.const 2)))`;
  const func = (head: string, build: (pool: Pool) => string) => {
    const pool = constantPool();
    const body = build(pool);
    return `
  (func ${head}
    ${iLocals} ${vLocals(pool)}
    ${pool.sets()}${ROW_BYTES}${body})`;
  };
  const forward = func(`(export "classLogProbForward") (param $x i32) (param $classes i32) (param $out i32) (param $lse i32) (param $rows i32) (param $width i32)`, (pool) =>
    countedLoop('rows', 'row', '(local.get $rows)', 1, `
      (local.set $acc (v128.const f32x4 -inf -inf -inf -inf))${rowColumns(`
        (local.set $acc (f32x4.max (local.get $acc) (v128.load ${addr('x')})))`, `
        (local.set $acc (f32x4.max (local.get $acc) (f32x4.splat (f32.load ${addr('x')}))))`)}
      (local.set $m ${acrossLanes('f32.max', '$acc')})
      (local.set $mv (f32x4.splat (local.get $m)))
      (local.set $acc (v128.const f32x4 0 0 0 0))${rowColumns(`
        (local.set $ex (f32x4.sub (v128.load ${addr('x')}) (local.get $mv)))${exp(pool)}
        (local.set $acc (f32x4.add (local.get $acc) (local.get $e)))`, `
        (local.set $ex (f32x4.sub (f32x4.splat (f32.load ${addr('x')})) (local.get $mv)))${exp(pool)}
        (local.set $acc (f32x4.add (local.get $acc) (v128.and (local.get $e) ${lane0})))`)}
      (local.set $lx (f32x4.splat ${acrossLanes('f32.add', '$acc')}))${log(pool)}
      (local.set $logS (f32x4.extract_lane 0 (local.get $ly)))
      (f32.store (local.get $out) (f32.sub (f32.sub (f32.load ${classAt('x')}) (local.get $m)) (local.get $logS)))
      (f32.store (local.get $lse) (f32.add (local.get $m) (local.get $logS)))
      (local.set $x (i32.add (local.get $x) (local.get $w4)))
      (local.set $classes (i32.add (local.get $classes) (i32.const 4)))
      (local.set $out (i32.add (local.get $out) (i32.const 4)))
      (local.set $lse (i32.add (local.get $lse) (i32.const 4)))`));
  const backward = func(`(export "classLogProbBackward") (param $dy i32) (param $x i32) (param $classes i32) (param $lse i32) (param $dx i32) (param $rows i32) (param $width i32)`, (pool) =>
    countedLoop('rows', 'row', '(local.get $rows)', 1, `
      (local.set $g (f32.load (local.get $dy)))
      (local.set $gv (f32x4.splat (local.get $g)))
      (local.set $mv (f32x4.splat (f32.load (local.get $lse))))${rowColumns(`
        (local.set $ex (f32x4.sub (v128.load ${addr('x')}) (local.get $mv)))${exp(pool)}
        (v128.store ${addr('dx')} (f32x4.neg (f32x4.mul (local.get $gv) (local.get $e))))`, `
        (local.set $ex (f32x4.sub (f32x4.splat (f32.load ${addr('x')})) (local.get $mv)))${exp(pool)}
        (f32.store ${addr('dx')} (f32.neg (f32.mul (local.get $g) (f32x4.extract_lane 0 (local.get $e)))))`)}
      (local.set $at ${classAt('dx')})
      (f32.store (local.get $at) (f32.add (f32.load (local.get $at)) (local.get $g)))
      (local.set $x (i32.add (local.get $x) (local.get $w4)))
      (local.set $dx (i32.add (local.get $dx) (local.get $w4)))
      (local.set $dy (i32.add (local.get $dy) (i32.const 4)))
      (local.set $classes (i32.add (local.get $classes) (i32.const 4)))
      (local.set $lse (i32.add (local.get $lse) (i32.const 4)))`));
  return `${forward}${backward}`;
}

/**
 * countNonBinary(x, n) -> the number of the n float32 values at x that are neither 0 nor 1 (NaN
 * counts, -0 does not: the same as JavaScript's v !== 0 && v !== 1). Four lanes at a time: a lane
 * that is neither is all ones (-1 as an integer), so subtracting it counts it.
 */
function countNonBinaryFunc(): string {
  const neither = (v: string, zero: string, one: string) => `(v128.not (v128.or (f32x4.eq ${v} ${zero}) (f32x4.eq ${v} ${one})))`;
  const zero = '(v128.const f32x4 0 0 0 0)';
  const one = '(v128.const f32x4 1 1 1 1)';
  return `
  (func (export "countNonBinary") (param $x i32) (param $n_ i32) (result i32) (local $at i32) (local $end i32) (local $vectorEnd i32) (local $count v128)
    (local.set $end (i32.shl (local.get $n_) (i32.const 2)))
    (local.set $vectorEnd (i32.and (local.get $end) (i32.const -16)))
    ${countedLoop('vectors', 'at', '(local.get $vectorEnd)', 16, `
      (local.set $count (i32x4.sub (local.get $count) ${neither('(v128.load (i32.add (local.get $x) (local.get $at)))', zero, one)}))`)}
    ${countedLoop('tail', 'at', '(local.get $end)', 4, `
      (local.set $count (i32x4.sub (local.get $count)
        (v128.and ${neither('(f32x4.splat (f32.load (i32.add (local.get $x) (local.get $at))))', zero, one)} (v128.const i32x4 -1 0 0 0))))`)}
    (i32.add (i32.add (i32x4.extract_lane 0 (local.get $count)) (i32x4.extract_lane 1 (local.get $count)))
             (i32.add (i32x4.extract_lane 2 (local.get $count)) (i32x4.extract_lane 3 (local.get $count)))))`;
}

export function heapWat(shared: boolean, fused: boolean): string {
  return `(module
  (import "env" "memory" (memory 1${shared ? ' 65536 shared' : ''}))${adamFunc()}${transposeFunc()}${matmulFunc(fused)}${BINARY_OPS.map(([name, op, swapped]) => binaryFunc(name, op, swapped)).join('')}${unaryFuncs()}${gruFuncs()}${bernoulliFuncs()}${layerNormFuncs()}${normalFuncs()}${classLogProbFuncs()}${countNonBinaryFunc()})
`;
}
