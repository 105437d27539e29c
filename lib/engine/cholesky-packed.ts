// Blocked Cholesky on our own WebAssembly matrix kernel (lib/engine/gemm.ts) instead of tfjs
// products: right-looking, in place in the kernel's shared float32 workspace, so there are no panel
// copies and no tensors. For each block column of (up to) 128 rows:
//   1. the diagonal block is factorised and inverted in double precision (the kernel module's
//      float64 routines, four times faster than the same loops in JavaScript);
//   2. the rows below it are solved against it, L21 = A21 L11^-T, as one packed product;
//   3. the lower triangle of the matrix to its right is updated, A22 -= L21 L21^T: within its
//      256-column panel at once, beyond it once per panel (see choleskyPacked). These are the
//      n^3/3 multiply-adds of the factorisation, on both cores.
// The matrix is padded to a multiple of 8 rows with an identity block, whose factor is the
// identity, so every tile of the kernel is whole.
import { ShapeError } from '../core/errors';
import { PackedGemm, packedGemm } from './gemm';
import * as tile from './gemm-wat';
import { notPositiveDefinite, subBlock } from '../linalg/dense-cholesky';

// local constants, which the JIT folds into the inner loops (an imported binding is a property load)
const TILE_ROWS = tile.TILE_ROWS;
const TILE_COLS = tile.TILE_COLS;

/**
 * Copies the lower triangle of the n x n row-major `a` into `v` with row stride N (>= n), adding
 * `shift` to the diagonal, and makes rows n..N-1 identity rows (zeros left of the diagonal, which
 * the workspace's earlier contents would not be). The upper triangle is never read, so not written.
 */
export function loadLower(v: Float32Array, a: Float32Array | Float64Array, n: number, N: number, shift = 0): void {
  for (let i = 0; i < N; i++) {
    if (i < n) { v.set(a.subarray(i * n, i * n + i + 1), i * N); v[i * N + i] += shift; }
    else { v.fill(0, i * N, i * N + i); v[i * N + i] = 1; }
  }
}

export interface PackedFactor {
  /** L, n x n row-major, zero above the diagonal (the `out` array when one was passed). */
  factor: Float32Array;
  /** (L_kk^-1)^T of each diagonal block k (blocks of `blockSize` rows, the last may be smaller). */
  invT: Float64Array[];
  blockSize: number;
}

export interface PackedOptions {
  /** Rows of the diagonal blocks factorised in JavaScript (a multiple of 8). */
  blockSize?: number;
  /**
   * Columns per trailing update (rounded to a multiple of blockSize). Each update reads and writes
   * the whole trailing matrix, so wider panels mean fewer passes over it (at n = 5000 with
   * 128-column panels, an estimated 2.6 GB of memory traffic in all).
   */
  panelSize?: number;
  /** Added to the diagonal while the matrix is copied in (jitter or noise), at no extra cost. */
  diagonalShift?: number;
  /** Names the factor left in the workspace (for solveTriangularPacked's `owner`). */
  owner?: object;
  /** Where the factor is written (n x n); a new array if absent. */
  out?: Float32Array;
  gemm?: PackedGemm;
}

/**
 * L with L L^T = a + diagonalShift I for a symmetric positive-definite n x n row-major matrix (only
 * its lower triangle is read), with the diagonal blocks' transposed inverses for the triangular
 * solves. Throws NotPositiveDefiniteError at the first pivot that is not positive.
 *
 * Two levels of blocking: within a panel of panelSize columns, each block of blockSize columns is
 * factorised, solved below, and applied to the rest of its panel only; then the whole panel is
 * applied to the trailing matrix at once. Look-ahead: of that trailing update, only the next
 * panel's columns are done before moving on; the worker thread does the rest while this thread
 * factorises the next panel, and then joins it (the threads share the work through a counter).
 */
export function choleskyPacked(a: Float32Array | Float64Array, n: number, options: PackedOptions = {}): PackedFactor {
  const blockSize = options.blockSize ?? 128;
  const gemm = options.gemm ?? packedGemm();
  const shift = options.diagonalShift ?? 0;
  const out = options.out ?? new Float32Array(n * n);
  if (a.length !== n * n || out.length !== n * n) throw new ShapeError(`choleskyPacked: ${a.length} values in and ${out.length} out for a ${n}x${n} matrix`, 'pass the n*n entries of the matrix, row-major');
  if (!(blockSize >= TILE_COLS) || blockSize % TILE_COLS !== 0) throw new ShapeError(`choleskyPacked: block size ${blockSize} is not a positive multiple of ${TILE_COLS}`, `use a multiple of ${TILE_COLS}, such as 128`);
  const panelSize = blockSize * Math.max(1, Math.round((options.panelSize ?? 256) / blockSize));
  const N = Math.ceil(n / TILE_COLS) * TILE_COLS;
  // two sets of packed A and B: the worker reads one panel's set while this thread packs the next
  const sets = [0, 1].map((s) => ({ a: N * N + 2 * s * N * panelSize, b: N * N + (2 * s + 1) * N * panelSize }));
  // after the factor and the packing buffers: a diagonal block and its inverse, in float64
  const diag = N * N + 4 * N * panelSize;
  const inverse = diag + 2 * blockSize * blockSize;
  const v = gemm.reserve(inverse + 2 * blockSize * blockSize); // no owner until the factor is complete
  const w = gemm.view64();
  loadLower(v, a, n, N, shift);
  const invT: Float64Array[] = [];
  try {
    for (let p0 = 0, panel = 0; p0 < N; p0 += panelSize, panel++) {
      const panelEnd = Math.min(p0 + panelSize, N);
      const { a: apack, b: bpack } = sets[panel % 2];
      // While the worker applies the previous panel to the columns beyond this one (started
      // below), this thread factorises this panel, running its updates alone.
      for (let j0 = p0; j0 < panelEnd; j0 += blockSize) {
        const b = Math.min(blockSize, panelEnd - j0);
        const d = diag / 2;
        for (let i = 0; i < b; i++) for (let c = 0; c <= i; c++) w[d + i * b + c] = v[(j0 + i) * N + j0 + c];
        const bad = gemm.choleskyBlock(diag, b);
        if (bad >= 0) throw notPositiveDefinite(j0 + bad, w[d + bad * b + bad]);
        gemm.invertBlock(diag, inverse, b);
        for (let i = 0; i < b; i++) for (let c = 0; c <= i; c++) v[(j0 + i) * N + j0 + c] = w[d + i * b + c];
        const u = w.slice(inverse / 2, inverse / 2 + b * b);
        if (j0 < n) invT.push(j0 + b <= n ? u : subBlock(u, b, 0, 0, n - j0, n - j0)); // without the padding
        const r = j0 + b;
        const m = N - r;
        if (m === 0) continue;
        // L21 = A21 U with U = L11^-T, written over A21 as -(A21 (-U))
        gemm.pack(r * N + j0, N, m, b, apack, TILE_ROWS);
        gemm.packNegated(u, b, bpack);
        gemm.update(r * N + j0, N, apack, bpack, m / TILE_ROWS, b / TILE_COLS, b, { overwrite: true, upperB: true });
        // the rest of this panel -= L21 L21[its columns]^T
        const rest = panelEnd - r;
        if (rest > 0) {
          gemm.pack(r * N + j0, N, m, b, apack, TILE_ROWS);
          gemm.pack(r * N + j0, N, rest, b, bpack, TILE_COLS);
          gemm.update(r * N + r, N, apack, bpack, m / TILE_ROWS, rest / TILE_COLS, b, { lower: true });
        }
      }
      // This panel's rows of L are final (their columns are in this panel and the ones before): copy
      // them out now, while the worker computes, rather than all at the end, while it would wait.
      for (let i = p0; i < Math.min(panelEnd, n); i++) {
        out.set(v.subarray(i * N, i * N + i + 1), i * n);
        out.fill(0, i * n + i + 1, (i + 1) * n);
      }
      // The trailing matrix -= the panel's rows below it times their transpose (lower triangle):
      // first the next panel's columns, on both threads, then the rest, started on the worker.
      const r = panelEnd;
      const m = N - r;
      const k = panelEnd - p0;
      if (m > 0) {
        gemm.pack(r * N + p0, N, m, k, apack, TILE_ROWS);
        gemm.pack(r * N + p0, N, m, k, bpack, TILE_COLS);
      }
      gemm.finishUpdate(); // the previous panel's far columns
      if (m === 0) continue;
      const near = Math.min(panelSize, m);
      gemm.update(r * N + r, N, apack, bpack, m / TILE_ROWS, near / TILE_COLS, k, { lower: true });
      const c0 = r + near; // the far columns, a lower square of their own
      if (c0 < N) gemm.startUpdate(c0 * N + c0, N, apack + near * k, bpack + near * k, (N - c0) / TILE_ROWS, (N - c0) / TILE_COLS, k, { lower: true });
    }
  } finally {
    gemm.finishUpdate(); // also after an error, so that the worker is idle for the next call
  }
  // the workspace holds L with row stride N, zero below the padding's identity: as the solves lay it out
  if (options.owner) gemm.claim(options.owner);
  return { factor: out, invT, blockSize };
}
