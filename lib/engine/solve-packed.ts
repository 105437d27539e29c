// Triangular solves with a Cholesky factor on our WebAssembly kernel (lib/engine/gemm.ts), the
// companion of cholesky-packed.ts. The right-hand sides are kept transposed, X^T (m rows of n), so
// that every step is one of the kernel's products with X^T as its A and a block of L as its B:
//   L X = B, block k from the top:      X_k^T = R_k^T L_kk^-T,  then  X_rest^T -= X_k^T L_rest,k^T
//   L^T X = B, block k from the bottom: X_k^T = R_k^T L_kk^-1,  then  X_0:k^T -= X_k^T L_k,0:k
// where R_k is block k of B after the earlier blocks' updates. With few right-hand sides (a GP
// fit's one to ten columns) tfjs's products run at 3-6 GFLOP/s on these shapes; the kernel's
// tiles stay full because the long dimension, n, is the one they walk.
import { ShapeError } from '../core/errors';
import { PackedGemm, packedGemm } from './gemm';
import * as tile from './gemm-wat';
import { loadLower } from './cholesky-packed';

const TILE_ROWS = tile.TILE_ROWS;
const TILE_COLS = tile.TILE_COLS;

export interface PackedSolveOptions {
  /** Rows of the diagonal blocks (a multiple of 8). */
  blockSize?: number;
  /** Solve L^T X = B instead of L X = B. */
  transposed?: boolean;
  /** (L_kk^-1)^T of each diagonal block of `blockSize` rows, as choleskyPacked returns them; inverted here if absent. */
  invT?: Float64Array[];
  /**
   * Names L in the kernel's workspace. When the workspace still holds it (choleskyPacked leaves
   * its factor there, and each solve leaves L in place), L is not copied in again: 50 MB at n = 5000.
   */
  owner?: object;
  gemm?: PackedGemm;
}

/**
 * X with L X = B (or L^T X = B) for lower-triangular L (n x n row-major; only its lower triangle
 * is read) and B (n x m row-major), written to `out` (n x m). The diagonal blocks' inverses are
 * taken from `invT` when given, else computed in float64 from L's blocks.
 */
export function solveTriangularPacked(l: Float32Array, n: number, b: Float32Array, m: number, out: Float32Array, options: PackedSolveOptions = {}): void {
  const blockSize = options.blockSize ?? 128;
  const gemm = options.gemm ?? packedGemm();
  if (l.length !== n * n || b.length !== n * m || out.length !== n * m) {
    throw new ShapeError(`solveTriangularPacked: L has ${l.length} values, B ${b.length} and X ${out.length}, for n = ${n} and m = ${m}`, 'pass L as n*n values and B and X as n*m, row-major');
  }
  if (!(blockSize >= TILE_COLS) || blockSize % TILE_COLS !== 0) throw new ShapeError(`solveTriangularPacked: block size ${blockSize} is not a positive multiple of ${TILE_COLS}`, `use a multiple of ${TILE_COLS}, such as 128`);
  if (n === 0 || m === 0) return;
  const N = Math.ceil(n / TILE_COLS) * TILE_COLS;
  const M = Math.ceil(m / TILE_ROWS) * TILE_ROWS;
  // workspace: L (N x N) | X^T (M x N) | packed A (X^T's block) | two packed B of L's blocks | two
  // packed B of inverse blocks (one for this block, one prepared for the next) | a float64
  // diagonal block and its inverse
  const xt = N * N;
  const apack = xt + M * N;
  const lpacks = [apack + M * blockSize, apack + M * blockSize + N * blockSize];
  const upacks = [lpacks[1] + N * blockSize, lpacks[1] + N * blockSize + blockSize * blockSize];
  const diag = upacks[1] + blockSize * blockSize;
  const inverse = diag + 2 * blockSize * blockSize;
  const inPlace = options.owner !== undefined && gemm.holds(options.owner);
  const v = gemm.reserve(inverse + 2 * blockSize * blockSize, options.owner);
  const w = gemm.view64();
  if (!inPlace) loadLower(v, l, n, N); // L's lower triangle, the padding rows as identity rows
  for (let r = 0; r < M; r++) v.fill(0, xt + r * N + (r < m ? n : 0), xt + (r + 1) * N);
  transpose(b, 0, m, v, xt, N, n, m);
  /** (L_kk^-1)^T of the block at k0 (b rows), padding rows as identity. */
  const inverseT = (k0: number, size: number): Float64Array => {
    const cached = options.invT?.[k0 / blockSize];
    if (cached) {
      const have = Math.round(Math.sqrt(cached.length)); // the last block is cropped to n
      if (have === size) return cached;
      const u = new Float64Array(size * size);
      for (let i = 0; i < size; i++) for (let c = 0; c < size; c++) u[i * size + c] = i < have && c < have ? cached[i * have + c] : +(i === c);
      return u;
    }
    const d = diag / 2;
    for (let i = 0; i < size; i++) for (let c = 0; c <= i; c++) w[d + i * size + c] = v[(k0 + i) * N + k0 + c];
    gemm.invertBlock(diag, inverse, size);
    return w.slice(inverse / 2, inverse / 2 + size * size);
  };
  const transposed = options.transposed ?? false;
  const starts: number[] = [];
  for (let k0 = 0; k0 < N; k0 += blockSize) starts.push(k0);
  if (transposed) starts.reverse();
  const sizeOf = (k0: number) => Math.min(blockSize, N - k0);
  const restOf = (k0: number) => (transposed ? k0 : N - k0 - sizeOf(k0));
  /** Packs block k0's inverse (for its own solve) and L's block beside it (for the update after). */
  const prepare = (k0: number, slot: number) => {
    const size = sizeOf(k0);
    // X_k^T = R_k^T U (L X = B, U = L_kk^-T) or R_k^T U^T (L^T X = B), packed negated for overwrite
    gemm.packNegated(inverseT(k0, size), size, upacks[slot], transposed);
    const rest = restOf(k0);
    if (transposed) gemm.packRows(k0 * N, N, size, rest / TILE_COLS, lpacks[slot]); // L_k,0:k as it is
    else gemm.pack((k0 + size) * N + k0, N, rest, size, lpacks[slot], TILE_COLS); // L_rest,k transposed
  };
  prepare(starts[0], 0);
  starts.forEach((k0, index) => {
    const [size, rest, slot] = [sizeOf(k0), restOf(k0), index % 2];
    gemm.pack(xt + k0, N, M, size, apack, TILE_ROWS);
    gemm.update(xt + k0, N, apack, upacks[slot], M / TILE_ROWS, size / TILE_COLS, size, { overwrite: true, upperB: !transposed });
    // the blocks still to solve -= X_k^T times L's block between them and block k, on the worker,
    // while this thread prepares the next block; then this thread joins in
    if (rest > 0) {
      gemm.pack(xt + k0, N, M, size, apack, TILE_ROWS);
      gemm.startUpdate(xt + (transposed ? 0 : k0 + size), N, apack, lpacks[slot], M / TILE_ROWS, rest / TILE_COLS, size);
    }
    try {
      if (index + 1 < starts.length) prepare(starts[index + 1], 1 - slot);
    } finally {
      gemm.finishUpdate();
    }
  });
  transpose(v, xt, N, out, 0, m, m, n);
}

/**
 * dst[dstAt + c ldDst + r] = src[srcAt + r ldSrc + c] for r < rows, c < cols: in strips of 32
 * rows, so that the strided side reuses its cache lines (a GP prediction's X^T has 1000s of rows).
 */
function transpose(src: Float32Array, srcAt: number, ldSrc: number, dst: Float32Array, dstAt: number, ldDst: number, rows: number, cols: number): void {
  for (let r0 = 0; r0 < rows; r0 += 32) {
    const r1 = Math.min(r0 + 32, rows);
    for (let c = 0; c < cols; c++) {
      for (let r = r0; r < r1; r++) dst[dstAt + c * ldDst + r] = src[srcAt + r * ldSrc + c];
    }
  }
}
