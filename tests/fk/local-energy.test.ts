import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key, normal } from '../../lib/core/random';
import { ParameterError } from '../../lib/core/errors';
import {
  Jet, ScalarMlp, WaveFunction, bosonJastrow, coordinatesJet, cuspExponent, distanceJet, estimateLocalEnergy, gradientDrift, h2Ansatz, h2Molecule,
  harmonicOscillator, jetGradient, localEnergy, logSumExpJet, malaStep, trainLocalEnergy, walkers, disposeWalkers,
} from '../../lib/fk';
import { expectClose, values } from '../helpers';

/** The Laplacian of a scalar field by central differences of its autodiff gradient (float32, so h = 1e-2). */
function laplacianByDifferences(f: (r: tf.Tensor2D) => tf.Tensor1D, r: tf.Tensor2D, h = 1e-2): number[] {
  const [n, D] = r.shape;
  const out = new Array(n).fill(0);
  const grad = tf.grad((x: tf.Tensor) => tf.sum(f(x as tf.Tensor2D)));
  for (let j = 0; j < D; j++) {
    const [plus, minus] = tf.tidy(() => {
      const e = tf.mul(tf.oneHot(tf.tensor1d([j], 'int32'), D), h);
      return [grad(tf.add(r, e)), grad(tf.sub(r, e))].map((g) => values(tf.slice(g, [0, j], [-1, 1])));
    });
    for (let i = 0; i < n; i++) out[i] += (plus[i] - minus[i]) / (2 * h);
  }
  return out;
}

/** The network's last layer set to zero, so log psi is the analytic part alone. */
function zeroLastLayer(net: tf.Variable[]): void {
  const weights = net.filter((v) => v.shape.length === 2);
  const last = weights[weights.length - 1];
  last.assign(tf.zerosLike(last));
}

describe('jets (value, gradient and Laplacian in one pass)', () => {
  it('distances have the closed-form Laplacians, and log-sum-exp and MLP jets match autodiff and differences', () => {
    const r = tf.tidy(() => normal(Key.fromSeed(1), [4, 6]) as tf.Tensor2D);
    const toProton = distanceJet(r, 1, { point: [0, 0, 0.7] }, 3);
    const d = values(toProton.value);
    expectClose(values(toProton.lap), d.map((x) => 2 / x), 1e-5, 1e-5); // Delta |x| = 2 / |x| in 3-D
    const pair = distanceJet(r, 0, { particle: 1 }, 3, true);
    expectClose(values(pair.lap), [12, 12, 12, 12], 1e-6); // Delta_1 + Delta_2 of |r_1 - r_2|^2 = 2 * 2 * 3
    const field = (x: tf.Tensor2D): Jet => logSumExpJet(distanceJet(x, 0, { particle: 1 }, 3));
    expectClose(values(field(r).value), values(distanceJet(r, 0, { particle: 1 }, 3).value), 1e-5, 1e-5); // one column: LSE = identity
    const net = new ScalarMlp(6, [8, 8], Key.fromSeed(2), 1);
    const jet = net.jet(coordinatesJet(r));
    const auto = tf.grad((x: tf.Tensor) => tf.sum(net.value(x as tf.Tensor2D)))(r);
    expectClose(values(jetGradient(jet)), values(auto), 1e-5, 1e-4);
    expectClose(values(jet.lap), laplacianByDifferences((x) => net.value(x), r), 2e-3, 2e-3);
    tf.dispose([r, auto]);
  });

  it('the oscillator and boson models have jets that agree with their value, their drift and differences', () => {
    const models: [WaveFunction, number][] = [[gradientDrift(2, [8, 8], Key.fromSeed(21), 0.7), 2], [bosonJastrow(3, 2, [8, 8], Key.fromSeed(22)), 6]];
    for (const [model, D] of models) {
      model.variables.forEach((v, i) => v.assign(tf.tidy(() => tf.add(v, tf.mul(normal(Key.fromSeed(200 + i), v.shape), 0.2)))));
      const r = tf.tidy(() => normal(Key.fromSeed(23), [5, D]) as tf.Tensor2D);
      const jet = model.logPsiJet(r);
      expectClose(values(jet.value), values(model.logPsi(r)), 1e-5, 1e-5);
      expectClose(values(jetGradient(jet)), values(model.drift(r)), 1e-5, 1e-4);
      expectClose(values(jet.lap), laplacianByDifferences((x) => model.logPsi(x), r), 5e-3, 5e-3);
      r.dispose();
    }
  });

  it("the H2 ansatz's jet agrees with its value path, autodiff and differences, and has both symmetries", () => {
    const h2 = h2Molecule(1.4);
    const model = h2Ansatz(h2.protons, [8, 8], Key.fromSeed(3));
    // perturb every parameter so the network is far from its near-zero start
    model.variables.forEach((v, i) => v.assign(tf.tidy(() => tf.add(v, tf.mul(normal(Key.fromSeed(100 + i), v.shape), 0.3)))));
    const r = tf.tidy(() => normal(Key.fromSeed(4), [6, 6]) as tf.Tensor2D);
    const jet = model.logPsiJet(r);
    expectClose(values(jet.value), values(model.logPsi(r)), 1e-5, 1e-5);
    const auto = tf.grad((x: tf.Tensor) => tf.sum(model.logPsi(x as tf.Tensor2D)))(r);
    expectClose(values(jetGradient(jet)), values(auto), 1e-4, 1e-3);
    expectClose(values(jet.lap), laplacianByDifferences((x) => model.logPsi(x), r), 5e-3, 5e-3);
    // electron exchange swaps the two 3-vectors; the proton swap reflects z -> -z
    const swapped = tf.tidy(() => tf.concat([tf.slice(r, [0, 3], [-1, 3]), tf.slice(r, [0, 0], [-1, 3])], 1) as tf.Tensor2D);
    const reflected = tf.tidy(() => tf.mul(r, tf.tensor1d([1, 1, -1, 1, 1, -1])) as tf.Tensor2D);
    expectClose(values(model.logPsi(swapped)), values(model.logPsi(r)), 1e-5, 1e-5);
    expectClose(values(model.logPsi(reflected)), values(model.logPsi(r)), 1e-5, 1e-5);
    expectClose(values(localEnergy(model, h2, reflected)), values(localEnergy(model, h2, r)), 1e-4, 1e-4);
    tf.dispose([r, auto, swapped, reflected]);
  });
});

describe('local energy', () => {
  it('is exact for Gaussian trial functions of the oscillator: E_L = alpha d / 2 + (1 - alpha^2) |r|^2 / 2', () => {
    for (const alpha of [1, 0.6]) {
      const model = gradientDrift(3, [4], Key.fromSeed(5), alpha);
      zeroLastLayer(model.variables);
      const r = tf.tidy(() => normal(Key.fromSeed(6), [5, 3]) as tf.Tensor2D);
      const r2 = tf.tidy(() => values(tf.sum(tf.square(r), 1)));
      expectClose(values(localEnergy(model, harmonicOscillator(3), r)), r2.map((s) => (alpha * 3) / 2 + ((1 - alpha * alpha) * s) / 2), 1e-5, 1e-5);
      r.dispose();
    }
  });

  it('stays finite at the H2 cusps, where V diverges (the cusp conditions hold)', () => {
    const h2 = h2Molecule(1.4);
    const model = h2Ansatz(h2.protons, [8], Key.fromSeed(7));
    const a = cuspExponent(1.4);
    expect(a / (1 + Math.exp(-a * 1.4))).toBeCloseTo(1, 10);
    // electron 1 approaching proton A (0, 0, 0.7) along a skew direction; then approaching electron 2
    const near = (eps: number) => tf.tensor2d([[0.6 * eps, 0, 0.7 + 0.8 * eps, 0.3, -0.4, -0.5], [0.5 + 0.6 * eps, 0.1, 0.2 - 0.8 * eps, 0.5, 0.1, 0.2]]);
    const [eA1, eE1] = values(localEnergy(model, h2, near(1e-2)));
    const [eA2, eE2] = values(localEnergy(model, h2, near(1e-3)));
    const [vA1] = values(h2.energy(near(1e-2)));
    const [vA2] = values(h2.energy(near(1e-3)));
    expect(vA1 - vA2).toBeGreaterThan(800); // -1/r alone moves by 900 hartree
    expect(Math.abs(eA1 - eA2)).toBeLessThan(0.05);
    expect(Math.abs(eE1 - eE2)).toBeLessThan(0.05);
  });
});

describe('Metropolis-adjusted Langevin sampling of psi^2', () => {
  it('is exact even with a large step, where the plain Euler chain is biased', () => {
    // psi = exp(-alpha |r|^2 / 2): psi^2 has variance 1 / (2 alpha) per coordinate, so E|r|^2 = D / (2 alpha)
    const alpha = 0.5;
    const model = gradientDrift(2, [4], Key.fromSeed(8), alpha);
    zeroLastLayer(model.variables);
    const tau = 1.0; // Euler's chain r' = r (1 - alpha tau) + sqrt(tau) xi has stationary variance 1 / (alpha (2 - alpha tau)) = 4 / 3, not 1
    let w = walkers(model, tf.tidy(() => normal(Key.fromSeed(9), [4096, 2]) as tf.Tensor2D));
    let accepted = 0;
    const sq: number[] = [];
    for (let s = 0; s < 60; s++) {
      const next = malaStep(Key.fromSeed(10).foldIn(s), model, w, tau);
      disposeWalkers(w);
      w = next.walkers;
      accepted += next.acceptance;
      if (s >= 20) sq.push(tf.tidy(() => tf.mean(tf.sum(tf.square(w.r), 1)).dataSync()[0]));
    }
    disposeWalkers(w);
    const m = sq.reduce((x, y) => x + y, 0) / sq.length;
    // 40 correlated sweeps of 4,096 walkers: the standard error of the mean is about 0.02
    expect(Math.abs(m - 2)).toBeLessThan(0.1);
    expect(accepted / 60).toBeGreaterThan(0.5);
    expect(accepted / 60).toBeLessThan(0.99);
  });

  it("estimates a trial function's variational energy within its error bar", () => {
    // alpha = 0.6 in 2-D: <E_L> = alpha d / 2 + (1 - alpha^2) d / (4 alpha) = 0.6 + 0.5333
    const alpha = 0.6;
    const model = gradientDrift(2, [4], Key.fromSeed(11), alpha);
    zeroLastLayer(model.variables);
    const start = tf.tidy(() => normal(Key.fromSeed(12), [1024, 2]) as tf.Tensor2D);
    const before = tf.memory().numTensors;
    const e = estimateLocalEnergy(Key.fromSeed(13), model, harmonicOscillator(2), start, { tau: 0.3, burnIn: 20, samples: 40 });
    expect(tf.memory().numTensors).toBe(before);
    const exact = alpha + (1 - alpha * alpha) / (2 * alpha);
    expect(Math.abs(e.mean - exact)).toBeLessThan(4 * e.stderr);
    expect(e.stderr).toBeLessThan(0.01);
    start.dispose();
  });

  it('training lowers the variational energy, is reproducible and keeps the tensor count flat', async () => {
    const run = async () => {
      const model = gradientDrift(1, [8], Key.fromSeed(14), 0.3); // alpha = 0.3: <E_L> = 0.908
      const before = tf.memory().numTensors;
      const r = await trainLocalEnergy(Key.fromSeed(15), model, harmonicOscillator(1), { walkers: 256, iterations: 60, tau: 0.3, burnIn: 10, learningRate: 2e-2, initial: 2, progress: 'off' });
      expect(tf.memory().numTensors - before).toBe(1); // the returned population
      r.population.dispose();
      return r;
    };
    const [first, second] = [await run(), await run()];
    expect(second.energies).toEqual(first.energies);
    const tail = first.energies.slice(-10).reduce((x, y) => x + y, 0) / 10;
    expect(first.energies[0]).toBeGreaterThan(0.8);
    expect(tail).toBeLessThan(0.6);
    expect(Math.min(...first.acceptance)).toBeGreaterThan(0.5);
  });

  it('names bad input', () => {
    const model: WaveFunction = gradientDrift(1, [4], Key.fromSeed(16));
    const w = walkers(model, tf.zeros([2, 1]) as tf.Tensor2D);
    expect(() => malaStep(Key.fromSeed(1), model, w, 0)).toThrow(/tau = 0 but it must be > 0/);
    disposeWalkers(w);
    expect(() => h2Ansatz([[0, 0, 1], [0, 0, 1]], [4], Key.fromSeed(1))).toThrow(ParameterError);
  });
});
