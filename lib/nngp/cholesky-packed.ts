// Blocked Cholesky on our own WebAssembly matrix kernel (lib/linalg/gemm.ts) instead of tfjs
// products: right-looking, in place in the kernel's shared float32 workspace, so there are no panel
// copies and no tensors. For each block column of (up to) 128 rows:
//   1. the diagonal block is factorised and inverted in double precision in JavaScript;
//   2. the rows below it are solved against it, L21 = A21 L11^-T, as one packed product;
//   3. the trailing matrix's lower triangle is updated, A22 -= L21 L21^T, the n^3/3 multiply-adds
//      of the factorisation, on both cores.
// The matrix is padded to a multiple of 8 rows with an identity block, whose factor is the
// identity, so every tile of the kernel is whole.
import { ShapeError } from '../core/errors';
import { PackedGemm, packedGemm } from '../linalg/gemm';
import * as tile from '../linalg/gemm-wat';
import { choleskyDense, invertLowerTransposed } from './dense-cholesky';

// local constants: a re-exported binding compiles to a getter, which costs a call in inner loops
const TILE_ROWS = tile.TILE_ROWS;
const TILE_COLS = tile.TILE_COLS;

export interface PackedFactor {
  /** L, n x n row-major, zero above the diagonal (the `out` array when one was passed). */
  factor: Float32Array;
  /** (L_kk^-1)^T of each diagonal block k (blocks of `blockSize` rows, the last may be smaller). */
  invT: Float64Array[];
  blockSize: number;
}

/**
 * L with L L^T = a for a symmetric positive-definite n x n row-major matrix (only its lower
 * triangle is read), with the diagonal blocks' transposed inverses for the triangular solves.
 * Throws NotPositiveDefiniteError at the first pivot that is not positive. The factor is written
 * to `out` (n x n) if given.
 */
export function choleskyPacked(a: Float32Array | Float64Array, n: number, blockSize = 128, gemm: PackedGemm = packedGemm(),
  out: Float32Array = new Float32Array(n * n)): PackedFactor {
  if (a.length !== n * n || out.length !== n * n) throw new ShapeError(`choleskyPacked: ${a.length} values for a ${n}x${n} matrix`, 'pass the n*n entries of the matrix, row-major');
  if (blockSize < TILE_COLS || blockSize % TILE_COLS !== 0) throw new ShapeError(`choleskyPacked: block size ${blockSize} is not a positive multiple of ${TILE_COLS}`, `use a multiple of ${TILE_COLS}, such as 128`);
  const N = Math.ceil(n / TILE_COLS) * TILE_COLS;
  const apack = N * N;
  const bpack = apack + N * blockSize;
  const v = gemm.reserve(bpack + N * blockSize);
  for (let i = 0; i < N; i++) {
    if (i < n) v.set(a.subarray(i * n, i * n + i + 1), i * N); // the upper triangle is never read
    else { v.fill(0, i * N, i * N + i); v[i * N + i] = 1; } // the workspace may hold an earlier matrix
  }
  const invT: Float64Array[] = [];
  for (let j0 = 0; j0 < N; j0 += blockSize) {
    const b = Math.min(blockSize, N - j0);
    const d = new Float64Array(b * b);
    for (let i = 0; i < b; i++) for (let c = 0; c <= i; c++) d[i * b + c] = v[(j0 + i) * N + j0 + c];
    choleskyDense(d, b, j0);
    const u = invertLowerTransposed(d, b);
    for (let i = 0; i < b; i++) for (let c = 0; c <= i; c++) v[(j0 + i) * N + j0 + c] = d[i * b + c];
    if (j0 < n) invT.push(j0 + b <= n ? u : cropSquare(u, b, n - j0));
    const r = j0 + b;
    const m = N - r;
    if (m === 0) continue;
    // L21 = A21 U with U = L11^-T, written over A21 as -(A21 (-U))
    gemm.pack(r * N + j0, N, m, b, apack, TILE_ROWS);
    for (let c = 0; c < b; c++) {
      const column = bpack + Math.floor(c / TILE_COLS) * TILE_COLS * b + (c % TILE_COLS);
      for (let k = 0; k < b; k++) v[column + k * TILE_COLS] = -u[k * b + c];
    }
    gemm.update(r * N + j0, N, apack, bpack, m / TILE_ROWS, b / TILE_COLS, b, false, true);
    // A22 -= L21 L21^T, lower triangle
    gemm.pack(r * N + j0, N, m, b, apack, TILE_ROWS);
    gemm.pack(r * N + j0, N, m, b, bpack, TILE_COLS);
    gemm.update(r * N + r, N, apack, bpack, m / TILE_ROWS, m / TILE_COLS, b, true);
  }
  for (let i = 0; i < n; i++) {
    out.set(v.subarray(i * N, i * N + i + 1), i * n);
    out.fill(0, i * n + i + 1, (i + 1) * n);
  }
  return { factor: out, invT, blockSize };
}

/** The top-left s x s corner of a b x b row-major matrix. */
function cropSquare(u: Float64Array, b: number, s: number): Float64Array {
  const out = new Float64Array(s * s);
  for (let i = 0; i < s; i++) out.set(u.subarray(i * b, i * b + s), i * s);
  return out;
}
