// Cholesky factorisation and triangular solves on tfjs tensors (tfjs has none). `cholesky` and the
// solves run on LAPACK's spotrf and BLAS's strsm where the engine's OpenBLAS addon is loaded
// (lib/engine/native-blas.ts: float32 throughout, as PyTorch's), else on our own WebAssembly matrix
// kernel on both cores (cholesky-packed.ts, lib/engine/gemm.ts);
// `choleskyTfjs` is the same blocked algorithm written with tfjs products, kept as the reference
// the tests compare against and as the bench's earlier row. In both, diagonal blocks are factorised
// and inverted in double precision in JavaScript, and everything else is matrix multiplication.
// Work is O(n^3 / 3). Storage is float32.
import * as tf from '../core/tf';
import { ShapeError, fmtShape } from '../core/errors';
import { NotPositiveDefiniteError, choleskyDense, invertLowerTransposed, notPositiveDefinite, subBlock } from './dense-cholesky';
import { heapKernels } from '../engine/heap-kernels';
import { nativeProducts } from '../engine/native-blas';
import { choleskyPacked } from '../engine/cholesky-packed';
import { solveTriangularPacked } from '../engine/solve-packed';
import { tensorFrom } from '../engine/tensor-io';
import { engineOn } from '../engine/switch';

export { NotPositiveDefiniteError };

// The transposed inverses of a factor's diagonal blocks, as `cholesky` computed them, so that the
// triangular solves with that factor need not invert the blocks again (a third of a GP solve's
// JavaScript time at n = 5000). Keyed by the factor tensor, which is immutable.
const diagonalInverses = new WeakMap<tf.Tensor, { blockSize: number; invT: Float64Array[]; owner?: object }>();

/** (L_kk^-1)^T for the diagonal block of L at k0 (size b), from the cache or computed. */
function blockInverseT(L: tf.Tensor2D, k0: number, b: number, blockSize: number): Float64Array {
  const cached = diagonalInverses.get(L);
  if (cached && cached.blockSize === blockSize) return cached.invT[k0 / blockSize];
  return invertLowerTransposed(readBlock(L, [k0, k0], [b, b]), b);
}

/** The block size the solves use: that of the cached inverses if `cholesky` made L, else `fallback`. */
function solveBlockSize(L: tf.Tensor2D, fallback: number): number {
  return diagonalInverses.get(L)?.blockSize ?? fallback;
}

/** Writes a rows x cols block into an n-column row-major matrix at (r0, c0). */
function putBlock(a: Float64Array, n: number, r0: number, c0: number, block: ArrayLike<number>, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) a[(r0 + i) * n + c0 + j] = block[i * cols + j];
}

const asTensor = (a: Float64Array, rows: number, cols: number) => tf.tensor2d(Float32Array.from(a), [rows, cols]);

/**
 * L and (L^-1)^T of a symmetric positive-definite b x b block (row-major). Up to 128 rows, both are
 * found in double precision in JavaScript. A larger block is split in halves: the halves are
 * factorised and inverted recursively, and the products that join them (L21 = A21 L11^-T, the
 * Schur complement A22 - L21 L21^T, and the inverse's corner -(L11^-T L21^T L22^-T)) run on the
 * backend in float32, like the rest of the factorisation. That moves three quarters of the
 * JavaScript work of a 256-row block into matrix products.
 */
function factorDiagonal(a: Float64Array, b: number, offset: number): { l: Float64Array; invT: Float64Array } {
  if (b <= 128) {
    choleskyDense(a, b, offset);
    return { l: a, invT: invertLowerTransposed(a, b) };
  }
  const h = b >> 1;
  const r = b - h;
  const top = factorDiagonal(subBlock(a, b, 0, 0, h, h), h, offset);
  const [l21, schur] = tf.tidy(() => {
    const l21 = tf.matMul(asTensor(subBlock(a, b, h, 0, r, h), r, h), asTensor(top.invT, h, h));
    const schur = tf.sub(asTensor(subBlock(a, b, h, h, r, r), r, r), tf.matMul(l21, tf.transpose(l21)));
    return [l21, schur];
  });
  const bottom = factorDiagonal(Float64Array.from(schur.dataSync()), r, offset + h);
  const corner = tf.tidy(() => tf.neg(tf.matMul(tf.matMul(asTensor(top.invT, h, h), tf.transpose(l21)), asTensor(bottom.invT, r, r))));
  const l = new Float64Array(b * b);
  const invT = new Float64Array(b * b);
  putBlock(l, b, 0, 0, top.l, h, h);
  putBlock(l, b, h, 0, l21.dataSync(), r, h);
  putBlock(l, b, h, h, bottom.l, r, r);
  putBlock(invT, b, 0, 0, top.invT, h, h);
  putBlock(invT, b, 0, h, corner.dataSync(), h, r);
  putBlock(invT, b, h, h, bottom.invT, r, r);
  tf.dispose([l21, schur, corner]);
  return { l, invT };
}

/** A block of a matrix as a Float64Array (the slice is disposed). */
function readBlock(a: tf.Tensor2D, begin: [number, number], size: [number, number]): Float64Array {
  const block = a.slice(begin, size);
  const out = Float64Array.from(block.dataSync());
  block.dispose();
  return out;
}

function checkSquare(a: tf.Tensor): number {
  if (a.rank !== 2 || a.shape[0] !== a.shape[1]) throw new ShapeError(`Cholesky needs a square matrix, got ${fmtShape(a.shape)}`, 'pass an [n, n] symmetric matrix');
  return a.shape[0];
}

/**
 * Lower-triangular L with L L^T = a + diagonalShift I, for symmetric positive-definite a: [n, n]
 * (float32; only its lower triangle is read). Right-looking by block columns of `blockSize` rows
 * (a multiple of 8) on our WebAssembly kernel (see cholesky-packed.ts), or in one call of LAPACK's
 * spotrf where the engine's OpenBLAS addon is loaded. The shift (jitter or
 * observation noise) is added as the matrix is copied in, which costs nothing, where tf.add with
 * tf.eye allocates two more n x n matrices. Throws NotPositiveDefiniteError naming the first pivot
 * that is not positive.
 */
export function cholesky(a: tf.Tensor2D, blockSize = 128, diagonalShift = 0): tf.Tensor2D {
  const n = checkSquare(a);
  if (!engineOn()) return tf.tidy(() => choleskyTfjs(diagonalShift === 0 ? a : tf.add(a, tf.mul(tf.eye(n), diagonalShift)), blockSize));
  const input = a.dtype === 'float32' ? a : tf.cast(a, 'float32');
  try {
    // checked on every path: the WebAssembly kernel needs whole tiles of 8, and OpenBLAS ignores it
    if (!(blockSize >= 8) || blockSize % 8 !== 0) throw new ShapeError(`cholesky: block size ${blockSize} is not a positive multiple of 8`, 'use a multiple of 8, such as 128');
    const linalg = openBlas();
    if (linalg && n > 0) {
      return tensorFrom<tf.Rank.R2>([n, n], (out, values) => {
        const failed = linalg.cholesky(values.byteOffset, out.byteOffset, n, diagonalShift);
        if (failed) throw notPositiveDefinite(failed.pivot, failed.value);
      }, input);
    }
    let invT: Float64Array[] = [];
    const owner = {}; // names this factor in the kernel's workspace, which keeps it for the solves
    const factor = tensorFrom<tf.Rank.R2>([n, n], (out, values) => {
      invT = choleskyPacked(values as Float32Array, n, { blockSize, diagonalShift, out, owner }).invT;
    }, input);
    diagonalInverses.set(factor, { blockSize, invT, owner });
    return factor;
  } finally {
    if (input !== a) input.dispose();
  }
}

/**
 * The same factor as `cholesky`, computed with tfjs operations on the current backend.
 *
 * Left-looking by block columns: column block j is A[j:, j] minus the product of the rows of L
 * found so far, then its diagonal block is factorised in JavaScript and the rows below are solved
 * against it. This does n^3/3 multiply-adds, half of what the right-looking form costs when its
 * trailing update is one full (symmetric) product, and it never copies a trailing matrix.
 */
export function choleskyTfjs(a: tf.Tensor2D, blockSize = 256): tf.Tensor2D {
  const n = checkSquare(a);
  const panels: tf.Tensor2D[] = []; // panels[k] = L[k0:, k0:k0+b] for block column k
  const starts: number[] = [];
  const inverses: Float64Array[] = []; // (L_kk^-1)^T of each diagonal block, for the solves
  try {
    for (let j0 = 0; j0 < n; j0 += blockSize) {
      const b = Math.min(blockSize, n - j0);
      const below = n - j0; // rows of this panel, the diagonal block included
      const column = tf.tidy(() => {
        let c = a.slice([j0, j0], [below, b]);
        if (j0 > 0) {
          // L[j0:, :j0], assembled from the earlier panels' rows from j0 down
          const left = tf.concat(panels.map((p, k) => p.slice([j0 - starts[k], 0], [below, p.shape[1]])), 1);
          const top = left.slice([0, 0], [b, j0]);
          c = tf.sub(c, tf.matMul(left, tf.transpose(top))); // explicit transpose keeps XNNPACK's fast path
        }
        return c as tf.Tensor2D;
      });
      const { l: diag, invT: diagInvT } = factorDiagonal(readBlock(column, [0, 0], [b, b]), b, j0);
      const lkk = asTensor(diag, b, b);
      inverses.push(diagInvT);
      let panel: tf.Tensor2D = lkk;
      if (below > b) {
        const invT = asTensor(diagInvT, b, b);
        panel = tf.tidy(() => tf.concat([lkk, tf.matMul(column.slice([b, 0], [below - b, b]), invT)], 0) as tf.Tensor2D);
        tf.dispose([invT, lkk]);
      }
      column.dispose();
      panels.push(panel);
      starts.push(j0);
    }
    const factor = tf.tidy(() => tf.concat(panels.map((p, k) => (starts[k] > 0 ? tf.pad(p, [[starts[k], 0], [0, 0]]) : p)), 1) as tf.Tensor2D);
    diagonalInverses.set(factor, { blockSize, invT: inverses });
    return factor;
  } finally {
    tf.dispose(panels);
  }
}

function transposeSquare(m: Float64Array, n: number): Float64Array {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = m[i * n + j];
  return t;
}

/**
 * Cholesky of a + diagonalShift I + jitter * mean(diag(a + diagonalShift I)) * I, starting from
 * `jitter` and multiplying it by 10 up to `maxJitter` while the factorisation fails. Returns L and
 * the jitter used. `diagonalShift` is for observation noise.
 */
export function choleskyWithJitter(a: tf.Tensor2D, jitter = 0, maxJitter = 1e-2, blockSize = 128, diagonalShift = 0): { L: tf.Tensor2D; jitter: number } {
  checkSquare(a);
  const meanDiag = tf.tidy(() => tf.mean(diagonal(a)).dataSync()[0]) + diagonalShift;
  let j = jitter;
  for (;;) {
    try {
      return { L: cholesky(a, blockSize, diagonalShift + j * meanDiag), jitter: j };
    } catch (e) {
      if (!(e instanceof NotPositiveDefiniteError)) throw e;
      const next = j === 0 ? 1e-8 : j * 10;
      if (next > maxJitter) {
        throw new NotPositiveDefiniteError(`the kernel matrix is not positive definite even with jitter ${j} x mean diagonal (${e.problem})`,
          'raise the observation noise, remove duplicate inputs, or check the kernel hyperparameters');
      }
      j = next;
    }
  }
}

/**
 * Solves L X = B for lower-triangular L [n, n] and B [n, m], by blocks of `blockSize` rows (those of
 * L's cached inverses when `cholesky` made L), on our WebAssembly kernel (solve-packed.ts). A block
 * size that is not a multiple of 8 (possible with choleskyTfjs) takes solveLowerTfjs.
 */
export function solveLower(L: tf.Tensor2D, B: tf.Tensor2D, blockSize = 128): tf.Tensor2D {
  return solvePacked(L, B, blockSize, false) ?? solveLowerTfjs(L, B, blockSize);
}

/** Solves L^T X = B for lower-triangular L [n, n] and B [n, m], by blocks from the bottom (as solveLower). */
export function solveUpperTransposed(L: tf.Tensor2D, B: tf.Tensor2D, blockSize = 128): tf.Tensor2D {
  return solvePacked(L, B, blockSize, true) ?? solveUpperTransposedTfjs(L, B, blockSize);
}

function checkRhs(name: string, n: number, B: tf.Tensor2D): void {
  if (B.rank !== 2 || B.shape[0] !== n) throw new ShapeError(`${name}: L is ${n}x${n} but B is ${fmtShape(B.shape)}`, 'pass B [n, m] with as many rows as L');
}

/** LAPACK and BLAS on OpenBLAS (lib/engine/native-blas.ts) where the engine has them on, else null. */
function openBlas() {
  return nativeProducts.enabled ? heapKernels()?.linalg ?? null : null;
}

/** The solve on OpenBLAS or the packed one, or null when neither applies (engine off, a block size the kernel does not suit). */
function solvePacked(L: tf.Tensor2D, B: tf.Tensor2D, blockSize: number, transposed: boolean): tf.Tensor2D | null {
  if (!engineOn()) return null;
  const n = checkSquare(L);
  checkRhs(transposed ? 'solveUpperTransposed' : 'solveLower', n, B);
  const linalg = openBlas();
  if (linalg && n > 0 && B.shape[1] > 0) {
    const operands = [L, B].map((t) => (t.dtype === 'float32' ? t : tf.cast(t, 'float32')));
    try {
      return tensorFrom<tf.Rank.R2>([n, B.shape[1]], (out, l, b) => linalg.solve(l.byteOffset, b.byteOffset, out.byteOffset, n, B.shape[1], transposed), operands);
    } finally {
      operands.forEach((t, i) => { if (t !== [L, B][i]) t.dispose(); });
    }
  }
  const cached = diagonalInverses.get(L);
  const size = cached?.blockSize ?? blockSize;
  if (size % 8 !== 0 || size < 8) return null;
  const m = B.shape[1];
  const inputs = [L, B].map((t) => (t.dtype === 'float32' ? t : tf.cast(t, 'float32')));
  try {
    return tensorFrom<tf.Rank.R2>([n, m], (out, l, b) => solveTriangularPacked(l, n, b, m, out, { blockSize: size, transposed, invT: cached?.invT, owner: cached?.owner }), inputs);
  } finally {
    inputs.forEach((t, i) => { if (t !== [L, B][i]) t.dispose(); });
  }
}

/** solveLower with tfjs operations, blockwise (the reference the tests compare the kernel with). */
export function solveLowerTfjs(L: tf.Tensor2D, B: tf.Tensor2D, blockSize = 128): tf.Tensor2D {
  const n = checkSquare(L);
  blockSize = solveBlockSize(L, blockSize);
  checkRhs('solveLower', n, B);
  const blocks: tf.Tensor2D[] = [];
  try {
    for (let k0 = 0; k0 < n; k0 += blockSize) {
      const b = Math.min(blockSize, n - k0);
      const inv = asTensor(transposeSquare(blockInverseT(L, k0, b, blockSize), b), b, b);
      const xk = tf.tidy(() => {
        let rhs: tf.Tensor2D = B.slice([k0, 0], [b, B.shape[1]]);
        if (k0 > 0) rhs = tf.sub(rhs, tf.matMul(L.slice([k0, 0], [b, k0]), tf.concat(blocks, 0))) as tf.Tensor2D;
        return tf.matMul(inv, rhs) as tf.Tensor2D;
      });
      inv.dispose();
      blocks.push(xk);
    }
    return tf.tidy(() => tf.concat(blocks, 0) as tf.Tensor2D);
  } finally {
    tf.dispose(blocks);
  }
}

/** solveUpperTransposed with tfjs operations, blockwise from the bottom. */
export function solveUpperTransposedTfjs(L: tf.Tensor2D, B: tf.Tensor2D, blockSize = 128): tf.Tensor2D {
  const n = checkSquare(L);
  blockSize = solveBlockSize(L, blockSize);
  checkRhs('solveUpperTransposed', n, B);
  const starts: number[] = [];
  for (let k0 = 0; k0 < n; k0 += blockSize) starts.push(k0);
  const blocks: tf.Tensor2D[] = []; // solved blocks, bottom first
  try {
    for (const k0 of starts.reverse()) {
      const b = Math.min(blockSize, n - k0);
      const invT = asTensor(blockInverseT(L, k0, b, blockSize), b, b);
      const below = n - k0 - b;
      const xk = tf.tidy(() => {
        let rhs: tf.Tensor2D = B.slice([k0, 0], [b, B.shape[1]]);
        if (below > 0) {
          const lowerPart = tf.transpose(L.slice([k0 + b, k0], [below, b])); // [b, below]
          rhs = tf.sub(rhs, tf.matMul(lowerPart, tf.concat([...blocks].reverse(), 0))) as tf.Tensor2D;
        }
        return tf.matMul(invT, rhs) as tf.Tensor2D;
      });
      invT.dispose();
      blocks.push(xk);
    }
    return tf.tidy(() => tf.concat([...blocks].reverse(), 0) as tf.Tensor2D);
  } finally {
    tf.dispose(blocks);
  }
}

/**
 * The diagonal of a square matrix, [n]. A float32 matrix's diagonal is read in place (tf.gather over
 * the flattened matrix took 17-90 ms for n = 5000 here, the read well under one).
 */
export function diagonal(a: tf.Tensor2D): tf.Tensor1D {
  const n = checkSquare(a);
  if (a.dtype === 'float32') return tensorFrom<tf.Rank.R1>([n], (out, values) => { for (let i = 0; i < n; i++) out[i] = values[i * (n + 1)]; }, a);
  return tf.tidy(() => tf.gather(tf.reshape(a, [-1]), tf.range(0, n * n, n + 1, 'int32')) as tf.Tensor1D);
}
