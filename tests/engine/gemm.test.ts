import { afterAll, describe, expect, it } from 'vitest';
import { PackedGemm } from '../../lib/engine/gemm';
import * as committed from '../../lib/engine/gemm-binary';
import { assembleGemm, binaryModuleText } from '../../scripts/build-gemm-wasm';
import { choleskyDense, invertLowerTransposed } from '../../lib/linalg/dense-cholesky';

/** Deterministic values in [-1, 1) (a small LCG), so that failures reproduce. */
function filler(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 31 - 1; };
}

const engines = [new PackedGemm({ threads: 1 }), new PackedGemm({ threads: 2 }), new PackedGemm({ threads: 2, fused: false })];
afterAll(() => Promise.all(engines.map((g) => g.dispose())));

// Workspace layout for a C (m x n, row stride ldc) -= A (m x k) Bt^T (Bt: n x k) problem:
// [C | A row-major | Bt row-major | A packed | B packed]
function problem(g: PackedGemm, m: number, n: number, k: number, ldc: number, seed: number) {
  const at = { c: 0, a: m * ldc, bt: m * ldc + m * k, ap: m * ldc + m * k + n * k, bp: m * ldc + 2 * m * k + n * k };
  const v = g.reserve(at.bp + n * k);
  const next = filler(seed);
  for (let i = 0; i < at.ap; i++) v[i] = next();
  g.pack(at.a, k, m, k, at.ap, 4);
  g.pack(at.bt, k, n, k, at.bp, 8);
  /** C - A Bt^T in double precision, from the row-major copies. */
  const reference = (i: number, j: number) => {
    let s = 0;
    for (let q = 0; q < k; q++) s += v[at.a + i * k + q] * v[at.bt + j * k + q];
    return v[at.c + i * ldc + j] - s;
  };
  return { v, at, reference };
}

describe('our WebAssembly matrix kernel (lib/engine/gemm.ts)', () => {
  it('ships the binaries that gemm-wat.ts assembles to', async () => {
    const text = binaryModuleText(await assembleGemm(true), await assembleGemm(false));
    expect(text).toContain(committed.GEMM_FUSED_BASE64);
    expect(text).toContain(committed.GEMM_UNFUSED_BASE64);
  });

  it('packs rows into 4-row A tiles and 8-row B tiles, column by column', () => {
    const g = engines[0];
    const rows = 16, k = 12, ld = 20, dst = rows * ld;
    const v = g.reserve(dst + rows * k);
    const next = filler(3);
    for (let i = 0; i < rows * ld; i++) v[i] = next();
    for (const height of [4, 8] as const) {
      g.pack(0, ld, rows, k, dst, height);
      for (let i = 0; i < rows; i++) for (let c = 0; c < k; c++) {
        const tile = Math.floor(i / height);
        expect(v[dst + tile * height * k + c * height + (i % height)]).toBe(v[i * ld + c]);
      }
    }
  });

  it('computes C -= A B to float32 accuracy, with the same bits on one and two threads', () => {
    const [m, n, k, ldc] = [24, 40, 20, 44];
    const results: Float32Array[] = [];
    for (const g of engines) {
      const chunkDefault = g.chunkCols;
      for (const chunkCols of [1, 8]) {
        g.chunkCols = chunkCols;
        const { v, at, reference } = problem(g, m, n, k, ldc, 11);
        const expected = Array.from({ length: m * n }, (_, x) => reference(Math.floor(x / n), x % n));
        g.update(at.c, ldc, at.ap, at.bp, m / 4, n / 8, k);
        const got = Array.from({ length: m * n }, (_, x) => v[at.c + Math.floor(x / n) * ldc + (x % n)]);
        got.forEach((value, x) => expect(Math.abs(value - expected[x])).toBeLessThan(1e-5 * (1 + Math.abs(expected[x]))));
        // the padding columns of each row of C (n..ldc) are untouched
        const next = filler(11);
        for (let i = 0; i < m; i++) for (let j = 0; j < ldc; j++) { const original = next(); if (j >= n) expect(v[i * ldc + j]).toBe(Math.fround(original)); }
        if (g.fused === engines[0].fused) results.push(Float32Array.from(got));
      }
      g.chunkCols = chunkDefault;
    }
    // every tile is computed whole by one thread in the same order: identical bits
    for (const r of results.slice(1)) expect(r).toEqual(results[0]);
  });

  it('in lower mode computes only tiles that reach the lower triangle, and overwrite ignores C', () => {
    const g = engines[1];
    const [m, k] = [32, 16];
    const { v, at, reference } = problem(g, m, m, k, m, 5);
    const before = v.slice(0, m * m);
    const expected = Array.from({ length: m * m }, (_, x) => reference(Math.floor(x / m), x % m));
    g.update(at.c, m, at.ap, at.bp, m / 4, m / 8, k, { lower: true });
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
      const tileReachesLower = 8 * Math.floor(j / 8) <= 4 * Math.floor(i / 4) + 3;
      if (tileReachesLower) expect(Math.abs(v[i * m + j] - expected[i * m + j])).toBeLessThan(1e-5 * (1 + Math.abs(expected[i * m + j])));
      else expect(v[i * m + j]).toBe(before[i * m + j]);
    }
    v.fill(NaN, 0, m * m);
    g.update(at.c, m, at.ap, at.bp, m / 4, m / 8, k, { overwrite: true });
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
      const product = Number(before[i * m + j]) - expected[i * m + j]; // A Bt^T
      expect(Math.abs(v[i * m + j] + product)).toBeLessThan(1e-5 * (1 + Math.abs(product)));
    }
  });

  it('with an upper-triangular B skips the entries below its diagonal tiles', () => {
    for (const g of engines) {
      const [m, k] = [12, 24]; // B is k x k
      const { v, at } = problem(g, m, k, k, k, 17);
      // B's rows as Bt's columns: make B upper triangular (B[r][c] = 0 for r > c), keep a copy of C
      for (let c = 0; c < k; c++) for (let r = c + 1; r < k; r++) v[at.bt + c * k + r] = 0;
      const c0 = Float32Array.from(v.subarray(0, m * k));
      g.pack(at.bt, k, k, k, at.bp, 8);
      g.update(at.c, k, at.ap, at.bp, m / 4, k / 8, k);
      const full = Float32Array.from(v.subarray(0, m * k));
      // the same with garbage below the diagonal tiles of B (rows past each 8-column tile): skipped
      for (let c = 0; c < k; c++) for (let r = 8 * (Math.floor(c / 8) + 1); r < k; r++) v[at.bt + c * k + r] = 1e6;
      g.pack(at.bt, k, k, k, at.bp, 8);
      v.set(c0, 0);
      g.update(at.c, k, at.ap, at.bp, m / 4, k / 8, k, { upperB: true });
      const skipped = Float32Array.from(v.subarray(0, m * k));
      for (let x = 0; x < m * k; x++) expect(Math.abs(skipped[x] - full[x])).toBeLessThan(1e-5 * (1 + Math.abs(full[x])));
      expect(() => g.update(at.c, k, at.ap, at.bp, m / 4, k / 8, k - 8, { upperB: true })).toThrow(/needs k >= its 24 columns/);
    }
  });

  it.each([false, true])('runs an update of its own while a started one is on the worker, and both come out right (worker done first: %s)', (workerDoneFirst) => {
    for (const g of engines.slice(0, 2)) {
      const [m, n, k] = [64, 64, 32];
      // two independent problems side by side in one workspace
      const first = problem(g, m, n, k, n, 21);
      const size = first.at.bp + n * k;
      const v = g.reserve(2 * size);
      const next = filler(22);
      for (let i = size; i < 2 * size; i++) v[i] = next();
      const at2 = { c: size, a: size + m * n, bt: size + m * n + m * k, ap: size + m * n + m * k + n * k, bp: size + m * n + 2 * m * k + n * k };
      g.pack(at2.a, k, m, k, at2.ap, 4);
      g.pack(at2.bt, k, n, k, at2.bp, 8);
      const expect1 = Array.from({ length: m * n }, (_, x) => first.reference(Math.floor(x / n), x % n));
      const expect2 = Array.from({ length: m * n }, (_, x) => {
        const [i, j] = [Math.floor(x / n), x % n];
        let s = 0;
        for (let q = 0; q < k; q++) s += v[at2.a + i * k + q] * v[at2.bt + j * k + q];
        return v[at2.c + x] - s;
      });
      g.startUpdate(first.at.c, n, first.at.ap, first.at.bp, m / 4, n / 8, k);
      expect(() => g.startUpdate(first.at.c, n, first.at.ap, first.at.bp, m / 4, n / 8, k)).toThrow(/already running.*finishUpdate/);
      // the worker needs well under a millisecond; once it is done, update joins it and shares the next
      if (workerDoneFirst) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
      g.update(at2.c, n, at2.ap, at2.bp, m / 4, n / 8, k); // on this thread alone, or shared
      g.finishUpdate();
      g.finishUpdate(); // nothing left to finish: a no-op
      for (let x = 0; x < m * n; x++) {
        expect(Math.abs(v[first.at.c + x] - expect1[x])).toBeLessThan(1e-5 * (1 + Math.abs(expect1[x])));
        expect(Math.abs(v[at2.c + x] - expect2[x])).toBeLessThan(1e-5 * (1 + Math.abs(expect2[x])));
      }
    }
  });

  it('packs a row-major block untransposed into 8-column B tiles (packRows)', () => {
    const g = engines[0];
    const k = 5, cols = 24, ld = 28, dst = k * ld;
    const v = g.reserve(dst + k * cols);
    const next = filler(4);
    for (let i = 0; i < dst; i++) v[i] = next();
    g.packRows(0, ld, k, cols / 8, dst);
    for (let r = 0; r < k; r++) for (let c = 0; c < cols; c++) expect(v[dst + Math.floor(c / 8) * 8 * k + r * 8 + (c % 8)]).toBe(v[r * ld + c]);
  });

  it('factorises and inverts float64 blocks like the JavaScript reference, and names a bad pivot', () => {
    const g = engines[2]; // the unfused build: the float64 routines are the same in both
    for (const n of [1, 7, 40]) {
      // a random SPD block, n x n: X X^T + I
      const next = filler(n);
      const x = Array.from({ length: n * n }, next);
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let q = 0; q < n; q++) a[i * n + j] += x[i * n + q] * x[j * n + q] + (i === j && q === 0 ? 1 : 0);
      g.reserve(4 * n * n + 2);
      const w = g.view64();
      w.set(a, 1); // float offset 2
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) w[1 + i * n + j] = 7; // the upper triangle is neither read nor written
      expect(g.choleskyBlock(2, n)).toBe(-1);
      g.invertBlock(2, 2 + 2 * n * n, n);
      const l = Float64Array.from(a);
      choleskyDense(l, n, 0);
      const u = invertLowerTransposed(l, n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          if (j <= i) expect(Math.abs(w[1 + i * n + j] - l[i * n + j])).toBeLessThan(1e-12 * (1 + Math.abs(l[i * n + j])));
          else expect(w[1 + i * n + j]).toBe(7);
          expect(Math.abs(w[1 + n * n + i * n + j] - u[i * n + j])).toBeLessThan(1e-11 * (1 + Math.abs(u[i * n + j])));
        }
      }
    }
    const w = g.view64();
    w.set([4, 0, 0, 2, 1, 0, 0, 0, 0], 1); // pivot 1 is 1 - 1 = 0
    expect(g.choleskyBlock(2, 3)).toBe(1);
    expect(w[1 + 4]).toBe(0);
    w.set([4, 0, 2, NaN], 1);
    expect(g.choleskyBlock(2, 2)).toBe(1);
    expect(() => g.choleskyBlock(1, 2)).toThrow(/misaligned or outside.*even offset/);
    expect(() => g.invertBlock(0, g.reserve(0).length, 2)).toThrow(/outside/);
  });

  it('rejects offsets outside the workspace and shapes that do not fill whole tiles', () => {
    const g = engines[0];
    const size = g.reserve(1024).length;
    expect(() => g.update(0, 64, size, 0, 1, 1, 8)).toThrow(/reach float .*workspace/);
    expect(() => g.update(2, 64, 0, 256, 1, 1, 8)).toThrow(/16-byte aligned/);
    expect(() => g.pack(0, 16, 6, 8, 512, 4)).toThrow(/do not fill tiles of 4 x 4.*pad/);
    expect(() => g.pack(0, 16, 8, 6, 512, 8)).toThrow(/do not fill tiles/);
    expect(() => g.pack(size, 16, 8, 8, 0, 8)).toThrow(/outside the .*workspace/);
    expect(() => g.packRows(size - 8, 16, 2, 1, 0)).toThrow(/packRows: .*outside the .*workspace/);
    expect(() => g.reserve(2 ** 29)).toThrow(/exceeds the kernel's 2 GiB workspace.*smaller matrix/);
  });
});
