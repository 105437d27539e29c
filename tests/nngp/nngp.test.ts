import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as tf from '../../lib/core/tf';
import { Key, normal } from '../../lib/core/random';
import {
  Dense, Elementwise, Erf, Layer, NotPositiveDefiniteError, Relu, Tanh, cholesky, choleskyTfjs, choleskyWithJitter, disposeFit, disposeKernel,
  diagonal, fullyConnected, gaussHermite, gpFit, gpPredict, inputKernel, serial, solveLower, solveLowerTfjs, solveUpperTransposed, solveUpperTransposedTfjs,
} from '../../lib/nngp';
import { ENGINE, expectClose, expectNoLeak, onBothPaths, values } from '../helpers';
import { nativeProducts } from '../../lib/engine/native-blas';

// golden values from numpy/scipy: tests/fixtures/make_nngp_fixtures.py
const G = JSON.parse(fs.readFileSync('tests/fixtures/nngp.json', 'utf8'));

/**
 * The kernel of `make(width)` against a Monte Carlo estimate from `samples` random networks whose
 * last layer has `width` output units: each network's empirical covariance f f^T / width, averaged
 * over the networks (the estimator of neural-tangents' monte_carlo_kernel_fn). Returns
 * max |difference| / max |kernel|.
 */
async function monteCarloError(make: (width: number) => Layer, x: tf.Tensor2D, width: number, samples: number, seed: number): Promise<number> {
  const net = make(width);
  let sum = tf.zeros([x.shape[0], x.shape[0]]);
  for (let s = 0; s < samples; s++) {
    const { params } = net.init(Key.fromSeed(seed).foldIn(s), x.shape[1]);
    const next = tf.tidy(() => {
      const f = net.apply(params, x); // [n, width]
      return tf.add(sum, tf.div(tf.matMul(f, tf.transpose(f)), width));
    });
    sum.dispose();
    sum = next;
    tf.dispose(params);
    if (s % 10 === 9) await new Promise((r) => setImmediate(r)); // keep the test worker responsive
  }
  const k0 = inputKernel(x);
  const k = net.kernel(k0);
  const err = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.div(sum, samples), k.nngp))).dataSync()[0] / tf.max(tf.abs(k.nngp)).dataSync()[0]);
  tf.dispose(sum);
  disposeKernel(k0);
  disposeKernel(k);
  return err;
}

describe('infinite-width kernels against Monte Carlo ensembles of wide networks', () => {
  // neural-tangents' tests use width 1024, 200 samples and 2e-2. Each network here contributes the
  // average over its `width` output units, so the sampling error is about sqrt(2 / (width * samples))
  // per entry (0.6% for 512 x 100) and the finite-width bias O(1/width): 3e-2 on the largest entry
  // error leaves room for the maximum over 21 entries, for any seed.
  const x = tf.tidy(() => normal(Key.fromSeed(1), [6, 8]) as tf.Tensor2D);
  const cases: [string, (w: number) => Layer][] = [
    ['Dense', (w) => serial(Dense(w, 1.5, 0.2))],
    ['ReLU (arc-cosine)', (w) => fullyConnected(2, w, Relu, 2, 0.1, w)],
    ['erf (Williams)', (w) => fullyConnected(2, w, Erf, 1.8, 0.05, w)],
    ['tanh (quadrature)', (w) => fullyConnected(2, w, () => Tanh(30), 1.5, 0.1, w)],
  ];
  for (const [name, make] of cases) {
    it(`${name}: relative error below 3e-2 with 100 networks of width 512`, async () => {
      for (const seed of [10, 11]) expect(await monteCarloError(make, x, 512, 100, seed)).toBeLessThan(0.03);
    });
  }
});

describe('numerical kernels by Gauss-Hermite quadrature', () => {
  it('the quadrature rule integrates polynomials exactly', () => {
    const q = gaussHermite(12);
    const moment = (p: number) => q.nodes.reduce((s, x, i) => s + q.weights[i] * x ** p, 0);
    expect(moment(0)).toBeCloseTo(1, 12);
    expect(moment(2)).toBeCloseTo(1, 12);
    expect(moment(8)).toBeCloseTo(105, 9);
    expect(moment(7)).toBeCloseTo(0, 9);
  });

  it('reproduce the analytic erf and ReLU kernels, with the error falling as nodes increase', async () => {
    const x = tf.tidy(() => normal(Key.fromSeed(2), [5, 4]) as tf.Tensor2D);
    await expectNoLeak(() => {
      const k0 = inputKernel(x);
      const errors = (analytic: Layer, numeric: (n: number) => Layer, nodes: number[]) => {
        const exact = analytic.kernel(k0);
        const out = nodes.map((n) => {
          const k = numeric(n).kernel(k0);
          const e = tf.tidy(() => tf.max(tf.abs(tf.sub(k.nngp, exact.nngp))).dataSync()[0]);
          disposeKernel(k);
          return e;
        });
        disposeKernel(exact);
        return out;
      };
      const erfErr = errors(Erf(), (n) => Elementwise('erf', erfScalar, tf.erf, n), [5, 20, 60]);
      expect(erfErr[2]).toBeLessThan(1e-5);
      expect(erfErr[1]).toBeLessThan(erfErr[0]);
      // ReLU has a kink: quadrature converges, slowly
      const reluErr = errors(Relu(), (n) => Elementwise('relu', (v) => Math.max(0, v), tf.relu, n), [10, 80]);
      expect(reluErr[1]).toBeLessThan(5e-3);
      expect(reluErr[1]).toBeLessThan(reluErr[0]);
      disposeKernel(k0);
    });
    x.dispose();
  });
});

function erfScalar(v: number): number {
  // erf by its Taylor series (|v| small here) or 1 - erfc asymptotics beyond 4
  if (Math.abs(v) > 4) return Math.sign(v);
  let term = v;
  let sum = v;
  for (let n = 1; n < 100; n++) {
    term *= (-v * v) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

describe('kernels against an independent numpy implementation', () => {
  it('depth-2 ReLU NNGP matches, and the kernel map leaves no tensor behind', async () => {
    const net = fullyConnected(2, 1, Relu, 1.6, 0.1);
    const xTrain = tf.tensor2d(G.gp.x_train);
    const xTest = tf.tensor2d(G.gp.x_test);
    await expectNoLeak(() => {
      const inputs = [inputKernel(xTrain), inputKernel(xTest, xTrain)];
      const [kTrain, kCross] = inputs.map((k) => net.kernel(k));
      expectClose(values(kTrain.nngp), G.gp.k_train.flat(), 1e-5, 1e-4);
      expectClose(values(kCross.nngp), G.gp.k_cross.flat(), 1e-5, 1e-4);
      expectClose(values(kCross.var1), G.gp.k_test_diag, 1e-5, 1e-4);
      [...inputs, kTrain, kCross].forEach(disposeKernel);
    });
    tf.dispose([xTrain, xTest]);
  });

  it('bad hyperparameters and inputs get clear errors', () => {
    expect(() => Dense(4, 0, 0.1)).toThrow(/sigmaW2 = 0 but it must be positive/);
    expect(() => Dense(4, 1, -0.1)).toThrow(/sigmaB2 = -0.1/);
    expect(() => fullyConnected(0, 4, Relu, 1, 0)).toThrow(/depth = 0/);
    expect(() => serial()).toThrow(/depth < 1/);
    expect(() => inputKernel(tf.tensor2d([[1, NaN]]))).toThrow(/NaN or infinite/);
    expect(() => inputKernel(tf.tensor2d([[1, 2]]), tf.tensor2d([[1, 2, 3]]))).toThrow(/same d/);
  });
});

// `cholesky` and the solves run on LAPACK and BLAS where the addon is loaded, else on our packed
// WebAssembly kernel: both paths are tested
onBothPaths('blocked Cholesky and triangular solves', 'the packed kernel', () => nativeProducts.linalgCalls, () => {
  it.each([['kernel', cholesky], ['tfjs', choleskyTfjs]] as const)('(%s) match scipy across several blocks and reconstruct the matrix', async (_, factorise) => {
    const a = tf.tensor2d(G.spd);
    const b = tf.tensor2d(G.b);
    await expectNoLeak(() => {
      const L = factorise(a, 48);
      expectClose(values(L), G.chol.flat(), 2e-5, 1e-4);
      const rec = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.matMul(L, tf.transpose(L)), a))).dataSync()[0]);
      expect(rec).toBeLessThan(1e-5 * 130);
      const y = solveLower(L, b, 48);
      expectClose(values(y), G.solve_lower.flat(), 1e-4, 1e-3);
      const z = solveUpperTransposed(L, b, 48);
      expectClose(values(z), G.solve_upper_t.flat(), 1e-4, 1e-3);
      // a factor that cholesky did not make (so no cached block inverses), and another block size
      const copy = tf.add(L, 0) as tf.Tensor2D;
      for (const blockSize of [48, 32]) {
        const [y2, z2] = [solveLower(copy, b, blockSize), solveUpperTransposed(copy, b, blockSize)];
        expectClose(values(y2), G.solve_lower.flat(), 1e-4, 1e-3);
        expectClose(values(z2), G.solve_upper_t.flat(), 1e-4, 1e-3);
        tf.dispose([y2, z2]);
      }
      tf.dispose([L, y, z, copy]);
    });
    tf.dispose([a, b]);
  });

  it('(tfjs) diagonal blocks over 128 rows (split and joined by matrix products) give the same factor and solves', async () => {
    const n = 300;
    const a = tf.tidy(() => { const x = normal(Key.fromSeed(7), [n, n]); return tf.add(tf.div(tf.matMul(x, tf.transpose(x)), n), tf.eye(n)) as tf.Tensor2D; });
    const b = normal(Key.fromSeed(8), [n, 3]) as tf.Tensor2D;
    await expectNoLeak(() => {
      const reference = choleskyTfjs(a, 100); // every diagonal block factorised in JavaScript alone
      for (const blockSize of [257, 200]) { // 257 splits into 128 + 129, and 129 again
        const L = choleskyTfjs(a, blockSize);
        expectClose(values(L), values(reference), 1e-5, 1e-4);
        const copy = tf.add(L, 0) as tf.Tensor2D; // no cached inverses
        for (const solve of [solveLower, solveUpperTransposed]) {
          const [cached, fresh] = [solve(L, b, blockSize), solve(copy, b, blockSize)];
          expectClose(values(cached), values(fresh), 1e-4, 1e-4);
          tf.dispose([cached, fresh]);
        }
        const y = solveLower(L, b, blockSize);
        const back = tf.matMul(L, y);
        expectClose(values(back), values(b), 1e-4, 1e-4);
        tf.dispose([L, copy, y, back]);
      }
      reference.dispose();
    });
    tf.dispose([a, b]);
  });

  it('(kernel) gives the tfjs factor at several block sizes, also after a larger matrix and for n not a multiple of 8', async () => {
    // 300 first and then 45: the kernel's workspace still holds the larger matrix when the smaller one comes
    for (const [n, seed] of [[300, 9], [45, 10]]) {
      const a = tf.tidy(() => { const x = normal(Key.fromSeed(seed), [n, n]); return tf.add(tf.div(tf.matMul(x, tf.transpose(x)), n), tf.eye(n)) as tf.Tensor2D; });
      const b = normal(Key.fromSeed(seed + 1), [n, 3]) as tf.Tensor2D;
      const reference = choleskyTfjs(a, 100);
      const bytes = tf.memory().numBytes;
      await expectNoLeak(() => {
        for (const blockSize of [128, 64, 8]) {
          const L = cholesky(a, blockSize);
          const got = values(L);
          expectClose(got, values(reference), 1e-5, 1e-4);
          for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(got[i * n + j]).toBe(0);
          const copy = tf.add(L, 0) as tf.Tensor2D; // no cached inverses
          for (const solve of [solveLower, solveUpperTransposed]) {
            const [cached, fresh] = [solve(L, b), solve(copy, b, 32)];
            expectClose(values(cached), values(fresh), 1e-4, 1e-4);
            tf.dispose([cached, fresh]);
          }
          tf.dispose([L, copy]);
        }
      });
      expect(tf.memory().numBytes).toBe(bytes);
      tf.dispose([a, b, reference]);
    }
  });

  it('(kernel) triangular solves equal the tfjs solves for any n and number of right-hand sides', async () => {
    for (const [n, seed] of [[300, 13], [45, 14]]) {
      const a = tf.tidy(() => { const x = normal(Key.fromSeed(seed), [n, n]); return tf.add(tf.div(tf.matMul(x, tf.transpose(x)), n), tf.eye(n)) as tf.Tensor2D; });
      const L = cholesky(a, 64);
      const copy = tf.add(L, 0) as tf.Tensor2D; // no cached inverses: the kernel path inverts L's own blocks
      for (const m of [1, 6, 13]) {
        const b = normal(Key.fromSeed(seed + m), [n, m]) as tf.Tensor2D;
        const buffers = tf.backend().numDataIds();
        await expectNoLeak(() => {
          for (const [solve, reference] of [[solveLower, solveLowerTfjs], [solveUpperTransposed, solveUpperTransposedTfjs]] as const) {
            const expected = reference(L, b);
            for (const [factor, blockSize] of [[L, 128], [copy, 8], [copy, 40]] as const) {
              const x = solve(factor, b, blockSize);
              expect(x.shape).toEqual([n, m]);
              expectClose(values(x), values(expected), 1e-4, 1e-4);
              x.dispose();
            }
            expected.dispose();
          }
          // and the solution solves the system
          const x = solveLower(L, b);
          const z = solveUpperTransposed(L, b);
          const [lx, ltz] = [tf.matMul(L, x), tf.matMul(L, z, true)];
          expectClose(values(lx), values(b), 1e-4, 1e-4);
          expectClose(values(ltz), values(b), 1e-4, 1e-4);
          tf.dispose([x, z, lx, ltz]);
        });
        expect(tf.backend().numDataIds()).toBe(buffers);
        b.dispose();
      }
      // the kernel's workspace keeps the last factor for the solves: after another factorisation
      // it no longer holds L, which is copied in again; then it does, and L is used in place
      const shifted = tf.tidy(() => tf.add(a, tf.eye(n))) as tf.Tensor2D;
      const other = cholesky(shifted, 64);
      const b = normal(Key.fromSeed(seed + 99), [n, 2]) as tf.Tensor2D;
      const expected = solveLowerTfjs(L, b);
      for (let round = 0; round < 2; round++) {
        const x = solveLower(L, b);
        expectClose(values(x), values(expected), 1e-4, 1e-4);
        x.dispose();
      }
      tf.dispose([shifted, other, b, expected]);
      expect(() => solveLower(L, tf.zeros([n + 1, 2]) as tf.Tensor2D)).toThrow(/L is \d+x\d+ but B is \[\d+, 2\].*as many rows as L/);
      tf.dispose([a, L, copy]);
    }
  });

  it('(kernel) adds a diagonal shift as it copies the matrix in, like factorising a + shift I', async () => {
    const n = 70;
    const a = tf.tidy(() => { const x = normal(Key.fromSeed(12), [n, 5]); return tf.matMul(x, tf.transpose(x)) as tf.Tensor2D; }); // rank 5: singular
    expect(() => cholesky(a)).toThrow(NotPositiveDefiniteError);
    await expectNoLeak(() => {
      const shifted = tf.tidy(() => tf.add(a, tf.mul(tf.eye(n), 0.3)) as tf.Tensor2D);
      const [L, reference] = [cholesky(a, 16, 0.3), choleskyTfjs(shifted, 16)];
      expectClose(values(L), values(reference), 1e-5, 1e-4);
      tf.dispose([shifted, L, reference]);
    });
    a.dispose();
  });

  it.runIf(ENGINE)('(kernel) names the first bad pivot in a later block and rejects block sizes that are not multiples of 8', () => {
    const entries = new Float32Array(200 * 200);
    for (let i = 0; i < 200; i++) entries[i * 201] = i === 150 ? -1 : 1;
    const a = tf.tensor2d(entries, [200, 200]);
    const buffers = tf.backend().numDataIds(); // the backend's count also sees an output never wrapped in a tensor
    expect(() => cholesky(a, 64)).toThrow(/pivot 150 is -1/);
    expect(tf.backend().numDataIds()).toBe(buffers); // the output allocated for the factor is released
    expect(() => cholesky(a, 100)).toThrow(/block size 100 is not a positive multiple of 8/);
    a.dispose();
  });

  it('reads the diagonal of float32 and int32 matrices, and leaves no buffer behind', () => {
    const f = tf.tensor2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    const i = tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32');
    const buffers = tf.backend().numDataIds();
    const [df, di] = [diagonal(f), diagonal(i)];
    expect(Array.from(df.dataSync())).toEqual([1, 5, 9]);
    expect(Array.from(di.dataSync())).toEqual([1, 4]);
    expect(di.dtype).toBe('int32');
    tf.dispose([df, di]);
    expect(tf.backend().numDataIds()).toBe(buffers);
    expect(() => diagonal(tf.ones([2, 3]) as tf.Tensor2D)).toThrow(/square matrix/);
    tf.dispose([f, i]);
  });

  it('names a matrix that is not positive definite, and jitter rescues a singular one', () => {
    expect(() => cholesky(tf.tensor2d([[1, 2], [2, 1]]))).toThrow(NotPositiveDefiniteError);
    expect(() => cholesky(tf.tensor2d([[1, 2], [2, 1]]))).toThrow(/pivot 1 is -3/);
    const singular = tf.tensor2d([[1, 1], [1, 1]]);
    const { L, jitter } = choleskyWithJitter(singular);
    expect(jitter).toBeGreaterThan(0);
    expect(values(L).every(Number.isFinite)).toBe(true);
    expect(() => choleskyWithJitter(tf.tensor2d([[1, 2], [2, 1]]))).toThrow(/not positive definite even with jitter/);
    expect(() => cholesky(tf.ones([2, 3]) as tf.Tensor2D)).toThrow(/square matrix/);
  });
});

describe('GP regression', () => {
  it('posterior mean, variance and marginal likelihood match scipy', async () => {
    const kTrain = tf.tensor2d(G.gp.k_train);
    const kCross = tf.tensor2d(G.gp.k_cross);
    const kDiag = tf.tensor1d(G.gp.k_test_diag);
    const y = tf.tensor2d(G.gp.y);
    await expectNoLeak(() => {
      const fit = gpFit(kTrain, y, G.gp.noise, 8);
      const { mean, variance } = gpPredict(fit, kCross, kDiag, 8);
      expectClose(values(mean), G.gp.mean.flat(), 1e-3, 1e-3);
      expectClose(values(variance), G.gp.var, 1e-3, 1e-2);
      expect(fit.logMarginalLikelihood).toBeCloseTo(G.gp.logml, 2);
      expect(fit.jitter).toBe(0);
      tf.dispose([mean, variance]);
      disposeFit(fit);
    });
    tf.dispose([kTrain, kCross, kDiag, y]);
    expect(() => gpFit(tf.eye(3) as tf.Tensor2D, tf.ones([2, 1]) as tf.Tensor2D, 0.1)).toThrow(/do not match/);
    expect(() => gpFit(tf.eye(2) as tf.Tensor2D, tf.ones([2, 1]) as tf.Tensor2D, -1)).toThrow(/noiseVariance = -1/);
  });
});
