// Helmholtz machines: exact probabilities by enumeration, the importance-sampled marginal against
// them, stacked layers that really stack, and every training method's gradient against the exact
// gradient of the objective it claims to follow, on a model small enough to enumerate.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key, normal } from '../../lib/core/random';
import { ParameterError, ShapeError } from '../../lib/core/errors';
import {
  NvilBaseline,
  SigmoidBeliefNet,
  allConfigurations,
  barsEntropy,
  barsImages,
  enumerateJoint,
  exactLogMarginal,
  exactPosteriorDivergences,
  importanceLogMarginal,
  surrogateLoss,
} from '../../lib/helmholtz';
import { expectClose, expectNoLeak } from '../helpers';
import { repeatRows } from '../../lib/core/ops';

/** A network with every weight, bias and top logit drawn N(0, 1), so no conditional is uniform. */
function randomNet(sizes: number[], seed: number): SigmoidBeliefNet {
  const net = new SigmoidBeliefNet(sizes, Key.fromSeed(seed));
  net.variables.forEach((v, i) => tf.tidy(() => v.assign(normal(Key.fromSeed(seed).foldIn(i), v.shape))));
  return net;
}

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('probabilities', () => {
  it('p(x) sums to one over every x, through two stacked layers', () => {
    const net = randomNet([4, 3, 2], 1);
    const xs = allConfigurations(4);
    const total = tf.tidy(() => tf.sum(tf.exp(exactLogMarginal(net, xs))).dataSync()[0]);
    expect(total).toBeCloseTo(1, 5);
    // q(h | x) sums to one over h for each x
    const qSums = tf.tidy(() => values(tf.sum(tf.exp(enumerateJoint(net, xs).logRecognition), 0)));
    qSums.forEach((s) => expect(s).toBeCloseTo(1, 5));
    tf.dispose(xs);
    net.dispose();
  });

  it('stacks its layers: the top layer shapes p(x), and samples come from every layer', () => {
    const net = randomNet([5, 3, 2], 2);
    const x = tf.tensor2d([[1, 0, 1, 1, 0]]);
    const grads = tf.variableGrads(() => tf.sum(exactLogMarginal(net, x)) as tf.Scalar, net.generative[1].variables);
    expect(Math.max(...values(grads.grads[net.generative[1].weight.name]).map(Math.abs))).toBeGreaterThan(1e-3);
    const before = exactLogMarginal(net, x);
    net.topLogits.assign(tf.tensor1d([3, -3]));
    const after = exactLogMarginal(net, x);
    expect(Math.abs(values(after)[0] - values(before)[0])).toBeGreaterThan(1e-3);
    const sample = net.sampleGenerative(Key.fromSeed(3), 7);
    expect([sample.x.shape, ...sample.hs.map((h) => h.shape)]).toEqual([[7, 5], [7, 3], [7, 2]]);
    tf.dispose([x, before, after, grads.value, ...Object.values(grads.grads), sample.x, ...sample.hs]);
    net.dispose();
  });

  it('drawRecognition draws what sampleRecognition draws and scores it as logRecognition does, gradients included, leak-free', async () => {
    const net = randomNet([6, 4, 3], 5);
    const x = tf.tensor2d(Array.from({ length: 8 * 6 }, (_, i) => (i * 7) % 3 === 0 ? 1 : 0), [8, 6]);
    const key = Key.fromSeed(6);
    const drawn = await expectNoLeak(() => net.drawRecognition(key, x), 3); // two layers and the score
    const hs = net.sampleRecognition(key, x);
    hs.forEach((h, l) => expect(values(drawn.hs[l])).toEqual(values(h)));
    const logQ = net.logRecognition(x, hs);
    expect(values(drawn.logQ)).toEqual(values(logQ));
    // q's weights get the gradient of log q(h | x) at the drawn h, and nothing flows through the draws
    const weights = net.recognition.flatMap((d) => d.variables);
    const gradOf = (f: () => tf.Tensor1D) => tf.variableGrads(() => tf.sum(f()) as tf.Scalar, weights);
    const fused = gradOf(() => net.drawRecognition(key, x).logQ);
    const twice = gradOf(() => net.logRecognition(x, net.sampleRecognition(key, x)));
    weights.forEach((w) => expect(values(fused.grads[w.name])).toEqual(values(twice.grads[w.name])));
    tf.dispose([x, ...drawn.hs, drawn.logQ, ...hs, logQ, fused.value, twice.value, ...Object.values(fused.grads), ...Object.values(twice.grads)]);
    net.dispose();
  });

  it('drawRecognition with particles draws and scores as on the repeated rows, with q\'s first layer run once per row', () => {
    const net = randomNet([6, 4, 3], 7);
    const x = tf.tensor2d(Array.from({ length: 5 * 6 }, (_, i) => (i * 5) % 3 === 0 ? 1 : 0), [5, 6]);
    const xs = repeatRows(x, 4);
    const key = Key.fromSeed(8);
    const once = net.drawRecognition(key, x, 4);
    const repeated = net.drawRecognition(key, xs);
    once.hs.forEach((h, l) => expect(values(h)).toEqual(values(repeated.hs[l])));
    expectClose(values(once.logQ), values(repeated.logQ), 1e-5, 1e-6);
    const weights = net.recognition.flatMap((d) => d.variables);
    const gradOf = (f: () => tf.Tensor1D) => tf.variableGrads(() => tf.sum(f()) as tf.Scalar, weights);
    const [a, b] = [gradOf(() => net.drawRecognition(key, x, 4).logQ), gradOf(() => net.drawRecognition(key, xs).logQ)];
    weights.forEach((w) => expectClose(values(a.grads[w.name]), values(b.grads[w.name]), 1e-5, 1e-5));
    expect(() => net.drawRecognition(key, x, 0)).toThrow(/particles/);
    tf.dispose([x, xs, ...once.hs, once.logQ, ...repeated.hs, repeated.logQ, a.value, b.value, ...Object.values(a.grads), ...Object.values(b.grads)]);
    net.dispose();
  });

  it('the importance-sampled marginal with 5,000 particles agrees with enumeration, leak-free', async () => {
    const net = randomNet([6, 4, 3], 4);
    const x = tf.tensor2d([[1, 0, 1, 1, 0, 0], [0, 0, 0, 1, 1, 1], [1, 1, 1, 1, 1, 1]]);
    const exact = values(exactLogMarginal(net, x));
    const estimate = await expectNoLeak(() => importanceLogMarginal(net, Key.fromSeed(5), x, 5000, 700));
    estimate.forEach((e, b) => expect(Math.abs(e - exact[b])).toBeLessThan(0.1));
    // exp of the estimate is an unbiased estimate of p(x): its mean over 40 keys, within 4 standard errors
    const ratios = Array.from({ length: 40 }, (_, r) => importanceLogMarginal(net, Key.fromSeed(50 + r), x, 200).map((e, b) => Math.exp(e - exact[b])));
    exact.forEach((_, b) => {
      const col = ratios.map((row) => row[b]);
      const m = col.reduce((s, v) => s + v, 0) / col.length;
      const se = Math.sqrt(col.reduce((s, v) => s + (v - m) ** 2, 0) / (col.length - 1) / col.length);
      expect(Math.abs(m - 1)).toBeLessThan(4 * se + 1e-3);
    });
    const { qToP, pToQ } = exactPosteriorDivergences(net, x);
    [...qToP, ...pToQ].forEach((kl) => expect(kl).toBeGreaterThan(0));
    tf.dispose(x);
    net.dispose();
  });

  it('the bars distribution has the entropy of its ten independent bars, less what coinciding images merge', () => {
    const independent = 10 * -(0.1 * Math.log(0.1) + 0.9 * Math.log(0.9));
    const h = barsEntropy();
    expect(h).toBeLessThan(independent);
    expect(independent - h).toBeLessThan(1e-4);
    expect(h).toBeCloseTo(3.25078, 5);
    const images = barsImages(Key.fromSeed(1), 2000);
    const onFraction = tf.tidy(() => tf.mean(images).dataSync()[0]);
    // a pixel is on unless its row and its column bar are both off: 1 − 0.9²
    expect(onFraction).toBeGreaterThan(0.19 - 0.01);
    expect(onFraction).toBeLessThan(0.19 + 0.01);
    images.dispose();
  });
});

/** The Monte Carlo mean and standard error of a surrogate's gradient over `groups` independent keys. */
function mcGradient(loss: (key: Key) => tf.Scalar, variables: tf.Variable[], groups = 8) {
  const samples: number[][] = [];
  for (let g = 0; g < groups; g++) {
    const { value, grads } = tf.variableGrads(() => loss(Key.fromSeed(100).foldIn(g)), variables);
    samples.push(variables.flatMap((v) => values(grads[v.name])));
    tf.dispose([value, ...Object.values(grads)]);
  }
  const mean = samples[0].map((_, i) => samples.reduce((s, r) => s + r[i], 0) / groups);
  const stderr = mean.map((m, i) => Math.sqrt(samples.reduce((s, r) => s + (r[i] - m) ** 2, 0) / (groups - 1) / groups));
  return { mean, stderr };
}

function exactGradient(objective: () => tf.Scalar, variables: tf.Variable[]): number[] {
  const { value, grads } = tf.variableGrads(objective, variables);
  const out = variables.flatMap((v) => values(grads[v.name]));
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

/** Largest |MC − exact| in units of its standard error, after requiring the MC error to be small. */
function zScore(mc: { mean: number[]; stderr: number[] }, exact: number[]): number {
  const scale = Math.max(...exact.map(Math.abs));
  expect(Math.max(...mc.stderr)).toBeLessThan(0.2 * scale);
  return Math.max(...mc.mean.map((m, i) => Math.abs(m - exact[i]) / (mc.stderr[i] + 1e-6)));
}

describe('gradient estimators on an enumerable model', () => {
  const net = randomNet([3, 2], 6);
  const x = tf.tensor2d([[1, 0, 1], [0, 1, 1]]);
  const replicas = 3000;
  const xRep = tf.tile(x, [replicas, 1]) as tf.Tensor2D;
  const K = 3;
  const theta = net.generativeVariables, phi = net.recognitionVariables;

  /** The exact K-particle bound E log (1/K Σ p(x,h_k)/q(h_k|x)), averaged over the rows of x, by enumerating K-tuples. */
  const exactBound = () => tf.tidy(() => {
    const { logJoint, logRecognition } = enumerateJoint(net, x); // [4, B]
    const logW = tf.sub(logJoint, logRecognition);
    const c = logJoint.shape[0];
    const tuples = Array.from({ length: c ** K }, (_, t) => Array.from({ length: K }, (_, k) => Math.floor(t / c ** k) % c));
    // row t of pick(m, k) is row tuples[t][k] of m, by a one-hot product (gather has no gradient on wasm)
    const pick = (m: tf.Tensor2D, k: number) => tf.matMul(tf.oneHot(tf.tensor1d(tuples.map((tu) => tu[k]), 'int32'), c), m);
    const logQ = tf.addN(Array.from({ length: K }, (_, k) => pick(logRecognition, k)));
    const bound = tf.sub(tf.logSumExp(tf.stack(Array.from({ length: K }, (_, k) => pick(logW as tf.Tensor2D, k))), 0), Math.log(K));
    return tf.mean(tf.sum(tf.mul(tf.exp(logQ), bound), 0)) as tf.Scalar;
  });
  /** The exact ELBO averaged over the rows of x. */
  const exactElbo = () => tf.tidy(() => {
    const { logJoint, logRecognition } = enumerateJoint(net, x);
    return tf.mean(tf.sum(tf.mul(tf.exp(logRecognition), tf.sub(logJoint, logRecognition)), 0)) as tf.Scalar;
  });

  it('VIMCO follows the K-particle bound in both networks', () => {
    const mc = mcGradient((key) => surrogateLoss('vimco', net, key, xRep, { particles: K }), net.variables);
    const exact = exactGradient(() => tf.neg(exactBound()) as tf.Scalar, net.variables);
    expect(zScore(mc, exact)).toBeLessThan(4.5);
  });

  it('without its score term the same estimator is biased for q, and the test sees it', () => {
    const pathwiseOnly = (key: Key) => tf.tidy(() => {
      const xs = tf.tile(xRep, [K, 1]) as tf.Tensor2D;
      const hs = net.sampleRecognition(key, xs);
      const logW = tf.reshape(tf.sub(net.logJoint(xs, hs), net.logRecognition(xs, hs)), [K, -1]);
      return tf.neg(tf.mean(tf.sub(tf.logSumExp(logW, 0), Math.log(K)))) as tf.Scalar;
    });
    const mc = mcGradient(pathwiseOnly, phi);
    expect(zScore(mc, exactGradient(() => tf.neg(exactBound()) as tf.Scalar, phi))).toBeGreaterThan(10);
  });

  it('RWS: p follows the K-particle bound; wake-q with one particle has zero mean; sleep-q fits the dreams', () => {
    const rws = (recognition: 'wake' | 'sleep', particles: number) => (key: Key) => surrogateLoss('rws', net, key, xRep, { particles, recognition });
    const forP = mcGradient(rws('wake', K), theta);
    expect(zScore(forP, exactGradient(() => tf.neg(exactBound()) as tf.Scalar, theta))).toBeLessThan(4.5);
    const wakeQ1 = mcGradient(rws('wake', 1), phi);
    wakeQ1.mean.forEach((m, i) => expect(Math.abs(m)).toBeLessThan(4.5 * wakeQ1.stderr[i] + 1e-6));
    // sleep: −∇φ E_{p(x,h)} log q(h|x), p fixed, by enumerating x and h
    const dreams = () => tf.tidy(() => {
      const xs = allConfigurations(3);
      const { logJoint, logRecognition } = enumerateJoint(net, xs);
      return tf.neg(tf.sum(tf.mul(tf.exp(logJoint), logRecognition))) as tf.Scalar;
    });
    const sleepQ = mcGradient(rws('sleep', K), phi);
    expect(zScore(sleepQ, exactGradient(dreams, phi))).toBeLessThan(4.5);
  });

  it('wake-sleep: p follows E_q log p(x, h)', () => {
    const mc = mcGradient((key) => surrogateLoss('wake-sleep', net, key, xRep), theta);
    const wakeObjective = () => tf.tidy(() => {
      const { logJoint, logRecognition } = enumerateJoint(net, x);
      return tf.neg(tf.mean(tf.sum(tf.mul(tf.exp(logRecognition), logJoint), 0))) as tf.Scalar;
    });
    expect(zScore(mc, exactGradient(wakeObjective, theta))).toBeLessThan(4.5);
  });

  it('NVIL follows the ELBO in both networks, whatever its baseline', () => {
    const baseline = new NvilBaseline(3, Key.fromSeed(7));
    const mc = mcGradient((key) => surrogateLoss('nvil', net, key, xRep, { baseline }), net.variables);
    expect(zScore(mc, exactGradient(() => tf.neg(exactElbo()) as tf.Scalar, net.variables))).toBeLessThan(4.5);
    baseline.dispose();
  });

  it('refuses bad settings by name, and a training step leaks nothing', async () => {
    expect(() => surrogateLoss('vimco', net, Key.fromSeed(1), x, { particles: 1 })).toThrow(/at least 2 particles/);
    expect(() => surrogateLoss('rws', net, Key.fromSeed(1), x, { particles: 0 })).toThrow(/particles = 0/);
    expect(() => surrogateLoss('nvil', net, Key.fromSeed(1), x)).toThrow(/baseline/);
    expect(() => surrogateLoss('sgd' as never, net, Key.fromSeed(1), x)).toThrow(ParameterError);
    expect(() => net.logJoint(tf.zeros([2, 4]) as tf.Tensor2D, [tf.zeros([2, 2]) as tf.Tensor2D])).toThrow(ShapeError);
    expect(() => new SigmoidBeliefNet([3], Key.fromSeed(1))).toThrow(/sizes \[data, h1/);
    const optimizer = tf.train.adam(1e-2);
    await expectNoLeak(() => {
      for (let i = 0; i < 3; i++) tf.dispose(optimizer.minimize(() => surrogateLoss('vimco', net, Key.fromSeed(i), x), true, net.variables));
    }, 2 * net.variables.length); // Adam's two moments per variable, made on its first step
  });
});
