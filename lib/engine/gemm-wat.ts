// The WebAssembly text of our packed matrix-update kernel, C -= A B, generated here and assembled
// by scripts/build-gemm-wasm.ts (the binary is in gemm-binary.ts, which a test rebuilds and
// compares). Why a kernel of our own: tfjs's XNNPACK build targets wasm SIMD128 without fused
// multiply-add, and reaches 35-38 GFLOP/s on two threads here; relaxed SIMD's f32x4.relaxed_madd
// becomes one FMA instruction, and this kernel reaches about 30 GFLOP/s on one thread
// (`node dist/bench/gemm.js`).
//
// Layout. A is packed in tiles of 4 rows: tile i holds rows 4i..4i+3 as K groups of 4 floats (one
// per row, k-major). B is packed in tiles of 8 columns: tile j holds columns 8j..8j+7 as K groups of
// 8 floats. The micro-kernel keeps a 4 x 8 block of C in eight v128 registers; with more rows, V8
// runs out of vector registers and spills (measured: 6 x 8 runs at half the speed of 4 x 8).

/** Rows of C in one micro-tile and columns in one micro-tile. */
export const TILE_ROWS = 4;
export const TILE_COLS = 8;
/**
 * Steps of the inner dimension per loop iteration (k must be a multiple). 1: with 2, V8 hoists
 * both steps' loads to the top of the loop, runs out of vector registers and spills; measured 19
 * against 35-39 GFLOP/s on one thread (scratch disassembly with node --print-wasm-code).
 */
export const K_UNROLL = 1;

/**
 * WAT source of a module importing a shared memory (env.memory) and exporting
 * update(c, ldc, a, b, rowTiles, colTiles, k, lower, counter, chunkCols, overwrite, upperB): the column
 * tiles are taken in chunks of `chunkCols`, each claimed by an atomic add on the i32 at byte
 * `counter` (set to 0 before the first thread starts), so threads that share the counter share
 * the work whatever each one's speed or start time, and never write the same cache line. Within a chunk,
 * row tile by row tile (from 2j when `lower` is 1, so that only tiles touching the lower triangle
 * are computed), C[4i.., 8j..] -= A_i B_j, or C = -A_i B_j with `overwrite`. With `upperB`, B is
 * upper triangular (row r of B zero beyond column r), so column tile j sums over k < 8 (j + 1) only. Walking a row of
 * tiles keeps A's tile in L1 and reads C's rows as contiguous runs, which the hardware prefetches;
 * walking a column of tiles instead missed the cache on every tile of C.
 * Pointers and ldc (the row stride of C) are in bytes. `fused` chooses relaxed_madd over mul + add.
 */
export function gemmWat(fused: boolean): string {
  const lanes = (l: number[]) => l.flatMap((x) => [4 * x, 4 * x + 1, 4 * x + 2, 4 * x + 3]).join(' ');

  const madd = (s: string, b: string, c: string) => (fused
    ? `(f32x4.relaxed_madd (local.get ${s}) (local.get ${b}) (local.get ${c}))`
    : `(f32x4.add (f32x4.mul (local.get ${s}) (local.get ${b})) (local.get ${c}))`);
  const rows = Array.from({ length: TILE_ROWS }, (_, r) => r);
  const accumulators = rows.map((r) => `(local $c${r}0 v128) (local $c${r}1 v128)`).join(' ');
  const step = Array.from({ length: K_UNROLL }, (_, u) => `
   (local.set $b${2 * u} (v128.load offset=${4 * TILE_COLS * u} (local.get $b)))
   (local.set $b${2 * u + 1} (v128.load offset=${4 * TILE_COLS * u + 16} (local.get $b)))${rows.map((r) => `
   (local.set $s${u} (v128.load32_splat offset=${4 * (TILE_ROWS * u + r)} (local.get $a)))
   (local.set $c${r}0 ${madd(`$s${u}`, `$b${2 * u}`, `$c${r}0`)})
   (local.set $c${r}1 ${madd(`$s${u}`, `$b${2 * u + 1}`, `$c${r}1`)})`).join('')}`).join('');
  const stepLocals = Array.from({ length: K_UNROLL }, (_, u) => `(local $b${2 * u} v128) (local $b${2 * u + 1} v128) (local $s${u} v128)`).join(' ');
  const store = rows.map((r) => `
  (local.set $p (i32.add (local.get $c) (i32.mul (i32.const ${r}) (local.get $ldc))))
  (v128.store (local.get $p) (select (f32x4.neg (local.get $c${r}0)) (f32x4.sub (v128.load (local.get $p)) (local.get $c${r}0)) (local.get $overwrite)))
  (v128.store offset=16 (local.get $p) (select (f32x4.neg (local.get $c${r}1)) (f32x4.sub (v128.load offset=16 (local.get $p)) (local.get $c${r}1)) (local.get $overwrite)))`).join('');
  const shuffle = (x: string, y: string, l: number[]) => `(i8x16.shuffle ${lanes(l)} (local.get ${x}) (local.get ${y}))`;
  return `(module
 (import "env" "memory" (memory 1 32768 shared))
 ;; C[0..4, 0..8] -= sum over k of A-tile column k times B-tile row k (C = -sum with $overwrite)
 (func $tile (param $c i32) (param $ldc i32) (param $a i32) (param $b i32) (param $k i32) (param $overwrite i32)
  ${accumulators} ${stepLocals} (local $p i32)
  (loop $next
${step}
   (local.set $a (i32.add (local.get $a) (i32.const ${4 * TILE_ROWS * K_UNROLL})))
   (local.set $b (i32.add (local.get $b) (i32.const ${4 * TILE_COLS * K_UNROLL})))
   (br_if $next (local.tee $k (i32.sub (local.get $k) (i32.const ${K_UNROLL})))))${store})
 (func (export "update") (param $c i32) (param $ldc i32) (param $a i32) (param $b i32)
  (param $rowTiles i32) (param $colTiles i32) (param $k i32) (param $lower i32) (param $counter i32)
  (param $chunkCols i32) (param $overwrite i32) (param $upperB i32)
  (local $i i32) (local $j i32) (local $j0 i32) (local $j1 i32) (local $jEnd i32) (local $kj i32)
  (block $done
   (loop $chunks
    ;; claim the next chunk: every thread working on this update takes chunks from one counter
    (local.set $j0 (i32.mul (i32.atomic.rmw.add (local.get $counter) (i32.const 1)) (local.get $chunkCols)))
    (br_if $done (i32.ge_u (local.get $j0) (local.get $colTiles)))
    (local.set $j1 (i32.add (local.get $j0) (local.get $chunkCols)))
    (local.set $j1 (select (local.get $j1) (local.get $colTiles) (i32.lt_u (local.get $j1) (local.get $colTiles))))
    ;; with $lower, column tile j touches the lower triangle from row tile 2j on (8 = 2 x 4)
    (local.set $i (select (i32.shl (local.get $j0) (i32.const 1)) (i32.const 0) (local.get $lower)))
    (block $rowsDone
     (loop $rows
      (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $rowTiles)))
      (local.set $jEnd (local.get $j1))
      (if (local.get $lower) (then
       (local.set $jEnd (i32.add (i32.shr_u (local.get $i) (i32.const 1)) (i32.const 1)))
       (local.set $jEnd (select (local.get $jEnd) (local.get $j1) (i32.lt_u (local.get $jEnd) (local.get $j1))))))
      (local.set $j (local.get $j0))
      (loop $columns
       (local.set $kj (local.get $k))
       (if (local.get $upperB) (then
        (local.set $kj (i32.shl (i32.add (local.get $j) (i32.const 1)) (i32.const 3)))
        (local.set $kj (select (local.get $kj) (local.get $k) (i32.lt_u (local.get $kj) (local.get $k))))))
       (call $tile
        (i32.add (local.get $c) (i32.add (i32.mul (i32.mul (local.get $i) (i32.const ${TILE_ROWS})) (local.get $ldc))
                                         (i32.mul (local.get $j) (i32.const ${4 * TILE_COLS}))))
        (local.get $ldc)
        (i32.add (local.get $a) (i32.mul (i32.mul (local.get $i) (local.get $k)) (i32.const ${4 * TILE_ROWS})))
        (i32.add (local.get $b) (i32.mul (i32.mul (local.get $j) (local.get $k)) (i32.const ${4 * TILE_COLS})))
        (local.get $kj) (local.get $overwrite))
       (br_if $columns (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $jEnd))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows)))
    (br $chunks))))

 ;; Packs rows 0..rows-1, columns 0..k-1 of a row-major matrix at $src (row stride $ld bytes) into
 ;; tiles of $height rows (4 for A, 8 for B): tile t at $dst + 4 t $height k, column c's $height
 ;; values consecutive. Four rows at a time, transposing 4 x 4 blocks in registers; rows and k
 ;; must be multiples of 4 and rows of $height.
 (func (export "pack") (param $src i32) (param $ld i32) (param $rows i32) (param $k i32) (param $dst i32) (param $height i32)
  (local $g i32) (local $c i32) (local $p i32) (local $q i32) (local $o i32)
  (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
  (loop $groups
   (local.set $p (i32.add (local.get $src) (i32.mul (local.get $g) (local.get $ld))))
   ;; this group's first value in its tile: tile (g / height), row (g % height) within it
   (local.set $q (i32.add (local.get $dst) (i32.add
     (i32.mul (i32.mul (i32.sub (local.get $g) (i32.rem_u (local.get $g) (local.get $height))) (local.get $k)) (i32.const 4))
     (i32.mul (i32.rem_u (local.get $g) (local.get $height)) (i32.const 4)))))
   (local.set $c (i32.const 0))
   (loop $columns
    (local.set $r0 (v128.load (local.get $p)))
    (local.set $r1 (v128.load (i32.add (local.get $p) (local.get $ld))))
    (local.set $r2 (v128.load (i32.add (local.get $p) (i32.shl (local.get $ld) (i32.const 1)))))
    (local.set $r3 (v128.load (i32.add (local.get $p) (i32.mul (local.get $ld) (i32.const 3)))))
    (local.set $t0 ${shuffle('$r0', '$r1', [0, 4, 1, 5])})
    (local.set $t1 ${shuffle('$r0', '$r1', [2, 6, 3, 7])})
    (local.set $t2 ${shuffle('$r2', '$r3', [0, 4, 1, 5])})
    (local.set $t3 ${shuffle('$r2', '$r3', [2, 6, 3, 7])})
    (local.set $o (i32.shl (local.get $height) (i32.const 2)))
    (v128.store (local.get $q) ${shuffle('$t0', '$t2', [0, 1, 4, 5])})
    (v128.store (i32.add (local.get $q) (local.get $o)) ${shuffle('$t0', '$t2', [2, 3, 6, 7])})
    (v128.store (i32.add (local.get $q) (i32.shl (local.get $o) (i32.const 1))) ${shuffle('$t1', '$t3', [0, 1, 4, 5])})
    (v128.store (i32.add (local.get $q) (i32.mul (local.get $o) (i32.const 3))) ${shuffle('$t1', '$t3', [2, 3, 6, 7])})
    (local.set $p (i32.add (local.get $p) (i32.const 16)))
    (local.set $q (i32.add (local.get $q) (i32.shl (local.get $o) (i32.const 2))))
    (br_if $columns (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 4))) (local.get $k))))
   (br_if $groups (i32.lt_u (local.tee $g (i32.add (local.get $g) (i32.const 4))) (local.get $rows)))))

 ;; Packs a k x (8 colTiles) block of a row-major matrix at $src (row stride $ld bytes), untransposed,
 ;; as update's B: tile j holds columns 8j..8j+7, row r's 8 values at $dst + 32 (j k + r).
 (func (export "packRows") (param $src i32) (param $ld i32) (param $k i32) (param $colTiles i32) (param $dst i32)
  (local $j i32) (local $r i32) (local $p i32)
  (loop $tiles
   (local.set $p (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 5))))
   (local.set $r (i32.const 0))
   (loop $rows
    (v128.store (local.get $dst) (v128.load (local.get $p)))
    (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $p)))
    (local.set $p (i32.add (local.get $p) (local.get $ld)))
    (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
    (br_if $rows (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (local.get $k))))
   (br_if $tiles (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $colTiles)))))

 ;; The diagonal blocks, in double precision (f64x2, multiply then add in both builds, so that the
 ;; fused and unfused kernels factorise alike). sum over t < len of p[t] q[t], four running sums.
 (func $dot64 (param $p i32) (param $q i32) (param $len i32) (result f64)
  (local $s0 v128) (local $s1 v128) (local $end i32) (local $s f64)
  (local.set $end (i32.add (local.get $p) (i32.shl (local.get $len) (i32.const 3))))
  (block $pairsDone
   (loop $pairs
    (br_if $pairsDone (i32.gt_u (i32.add (local.get $p) (i32.const 32)) (local.get $end)))
    (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (v128.load (local.get $p)) (v128.load (local.get $q)))))
    (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (v128.load offset=16 (local.get $p)) (v128.load offset=16 (local.get $q)))))
    (local.set $p (i32.add (local.get $p) (i32.const 32)))
    (local.set $q (i32.add (local.get $q) (i32.const 32)))
    (br $pairs)))
  (local.set $s0 (f64x2.add (local.get $s0) (local.get $s1)))
  (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0))))
  (block $tailDone
   (loop $tail
    (br_if $tailDone (i32.ge_u (local.get $p) (local.get $end)))
    (local.set $s (f64.add (local.get $s) (f64.mul (f64.load (local.get $p)) (f64.load (local.get $q)))))
    (local.set $p (i32.add (local.get $p) (i32.const 8)))
    (local.set $q (i32.add (local.get $q) (i32.const 8)))
    (br $tail)))
  (local.get $s))

 ;; In-place Cholesky of the lower triangle of an n x n row-major f64 matrix at $a (the upper
 ;; triangle is neither read nor written). Returns -1, or the first pivot j that is not positive
 ;; (NaN included), with its value left at a[j][j].
 (func (export "cholesky64") (param $a i32) (param $n i32) (result i32)
  (local $j i32) (local $i i32) (local $rowJ i32) (local $rowI i32) (local $row i32) (local $d f64) (local $ljj f64)
  (local.set $row (i32.shl (local.get $n) (i32.const 3)))
  (block $done
   (loop $columns
    (br_if $done (i32.ge_u (local.get $j) (local.get $n)))
    (local.set $rowJ (i32.add (local.get $a) (i32.mul (local.get $j) (local.get $row))))
    (local.set $d (f64.sub (f64.load (i32.add (local.get $rowJ) (i32.shl (local.get $j) (i32.const 3))))
                           (call $dot64 (local.get $rowJ) (local.get $rowJ) (local.get $j))))
    (f64.store (i32.add (local.get $rowJ) (i32.shl (local.get $j) (i32.const 3))) (local.get $d))
    (if (i32.eqz (f64.gt (local.get $d) (f64.const 0))) (then (return (local.get $j))))
    (local.set $ljj (f64.sqrt (local.get $d)))
    (f64.store (i32.add (local.get $rowJ) (i32.shl (local.get $j) (i32.const 3))) (local.get $ljj))
    (local.set $i (i32.add (local.get $j) (i32.const 1)))
    (local.set $rowI (i32.add (local.get $rowJ) (local.get $row)))
    (block $rowsDone
     (loop $rows
      (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $n)))
      (f64.store (i32.add (local.get $rowI) (i32.shl (local.get $j) (i32.const 3)))
       (f64.div (f64.sub (f64.load (i32.add (local.get $rowI) (i32.shl (local.get $j) (i32.const 3))))
                         (call $dot64 (local.get $rowI) (local.get $rowJ) (local.get $j)))
                (local.get $ljj)))
      (local.set $rowI (i32.add (local.get $rowI) (local.get $row)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows)))
    (local.set $j (i32.add (local.get $j) (i32.const 1)))
    (br $columns)))
  (i32.const -1))

 ;; U = (L^-1)^T of the lower-triangular n x n row-major f64 matrix at $l, written to $u (all n^2
 ;; entries): U[c][i] = -(sum_{t=c}^{i-1} L[i][t] U[c][t]) / L[i][i] for c < i, 1 / L[i][i] on the
 ;; diagonal, 0 below it. Both factors of each sum are contiguous rows.
 (func (export "invertLowerT64") (param $l i32) (param $u i32) (param $n i32)
  (local $i i32) (local $c i32) (local $row i32) (local $rowI i32) (local $d f64)
  (local.set $row (i32.shl (local.get $n) (i32.const 3)))
  (memory.fill (local.get $u) (i32.const 0) (i32.mul (local.get $n) (local.get $row)))
  (block $done
   (loop $rows
    (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
    (local.set $rowI (i32.mul (local.get $i) (local.get $row)))
    (local.set $d (f64.load (i32.add (i32.add (local.get $l) (local.get $rowI)) (i32.shl (local.get $i) (i32.const 3)))))
    (local.set $c (i32.const 0))
    (block $columnsDone
     (loop $columns
      (br_if $columnsDone (i32.ge_u (local.get $c) (local.get $i)))
      (f64.store (i32.add (i32.add (local.get $u) (i32.mul (local.get $c) (local.get $row))) (i32.shl (local.get $i) (i32.const 3)))
       (f64.div (f64.neg (call $dot64
         (i32.add (i32.add (local.get $l) (local.get $rowI)) (i32.shl (local.get $c) (i32.const 3)))
         (i32.add (local.get $u) (i32.mul (local.get $c) (i32.add (local.get $row) (i32.const 8))))
         (i32.sub (local.get $i) (local.get $c))))
        (local.get $d)))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br $columns)))
    (f64.store (i32.add (i32.add (local.get $u) (local.get $rowI)) (i32.shl (local.get $i) (i32.const 3))) (f64.div (f64.const 1) (local.get $d)))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $rows))))
)
`;
}
