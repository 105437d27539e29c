// Bad values at the public boundary, module by module: every call with a value outside its domain
// (NaN, infinities, negative or fractional counts, probabilities outside [0, 1], indices outside
// the data) must throw one of the library's named errors, quickly, and leave no tensor behind.
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key, normal, permutation, uniform } from '../../lib/core/random';
import { LectureError } from '../../lib/core/errors';
import { Bernoulli, Categorical, Normal } from '../../lib/distributions';
import { batchIndices, downsample, gatherPixels, head, pixelRange, type ImageSet } from '../../lib/data';
import { bernoulli, bucketPosterior, categorical, priorBuckets, quantizeProbabilities, uniform as uniformCodec } from '../../lib/coding';
import { Vae, committedRate, evaluateElbo, klWeight, posteriorScaleForRate } from '../../lib/vae';
import { LogitTransform, bitsPerDim } from '../../lib/flows';
import { eulerMaruyama } from '../../lib/sde';
import { Dense as NngpDense, gaussHermite } from '../../lib/nngp';
import { logLikelihood, psychometric } from '../../lib/psychometrics';
import { MaskedNetwork, combinedRates, fullMasks, pruneByMagnitude, pruneGlobally, ratePerRound } from '../../lib/lottery';
import { sliceImages } from '../../lib/data';
import { SigmoidBeliefNet, barsImages, helmholtzLearner, importanceLogMarginal, logMarginalByRows } from '../../lib/helmholtz';
import { MultiHeadAttention, ambiguityBatch, paddingMask, sortBatch } from '../../lib/attention';

const NOT_FINITE = [NaN, Infinity, -Infinity];
const NOT_COUNT = [-1, 2.5, ...NOT_FINITE];
const NOT_POSITIVE = [0, -1e-9, -1, ...NOT_FINITE];
const NOT_PROBABILITY = [-0.1, 1.1, ...NOT_FINITE];
const NOT_RATE = [1, -0.1, 1.5, ...NOT_FINITE]; // a pruning rate is in [0, 1)

const images: ImageSet = { pixels: new Uint8Array(4 * 16).fill(255), labels: new Uint8Array(4), n: 4, rows: 4, cols: 4 };
const key = Key.fromSeed(1);
const vae = new Vae({ dataDim: 16, hidden: [4], latentDim: 2 }, key);
const ones = tf.ones([2, 3]);
const probs = tf.tensor2d([[0.3, 0.7]]);
const x0 = tf.zeros([3, 2]) as tf.Tensor2D;
const bernoulliOfProbs = Bernoulli.fromProbs(probs);
const binaryImage = tf.ones([1, 16]) as tf.Tensor2D;
const psychometricParams = { mu: 0, sigma: 1, gamma: 0.1, lambda: 0.1 };
const sbn = new SigmoidBeliefNet([16, 3], key);
afterAll(() => {
  vae.dispose();
  sbn.dispose();
  tf.dispose([ones, probs, x0, bernoulliOfProbs.logits, binaryImage]);
});

/** Runs call on a tensor made for one probe and frees that tensor, so only the library's own tensors count. */
function using<T>(input: tf.Tensor, call: (t: tf.Tensor) => T): T {
  try {
    return call(input);
  } finally {
    input.dispose();
  }
}

// [what is probed, the bad values, the call with one of them]
const probes: [string, number[], (bad: number) => unknown][] = [
  ['Key.uniforms(n)', NOT_COUNT, (n) => key.uniforms(n)],
  ['Key.normals(n)', NOT_COUNT, (n) => key.normals(n)],
  ['uniform(key, shape, lo)', NOT_FINITE, (lo) => uniform(key, [2], lo, 1)],
  ['normal(key, [n])', NOT_COUNT, (n) => normal(key, [n])],
  ['permutation(key, n)', NOT_COUNT, (n) => permutation(key, n)],
  ['quantizeProbabilities(p)', [-0.1, ...NOT_FINITE], (p) => quantizeProbabilities([0.5, p], 8)],
  ['quantizeProbabilities(precision)', [0, ...NOT_COUNT], (r) => quantizeProbabilities([0.5, 0.5], r)],
  ['categorical(freqs)', [-1, 2.5, ...NOT_FINITE], (f) => categorical([256 - f, f], 8)],
  ['bernoulli(p)', NOT_PROBABILITY, (p) => bernoulli(p, 16)],
  ['bernoulli(precision)', [0, 25, ...NOT_COUNT], (r) => bernoulli(0.5, r)],
  ['uniform codec(precision)', [0, 25, ...NOT_COUNT], (r) => uniformCodec(r)],
  ['priorBuckets(bits)', [0, 21, ...NOT_COUNT], (b) => priorBuckets(b)],
  ['bucketPosterior(mu)', NOT_FINITE, (m) => bucketPosterior(m, 1, priorBuckets(4), 12)],
  ['bucketPosterior(sigma)', NOT_POSITIVE, (s) => bucketPosterior(0, s, priorBuckets(4), 12)],
  ['Normal(scale)', NOT_POSITIVE, (s) => using(tf.fill([2, 3], s), (t) => new Normal(ones, t))],
  ['Bernoulli.fromProbs(p)', NOT_PROBABILITY, (p) => using(tf.fill([2, 3], p), (t) => Bernoulli.fromProbs(t))],
  ['Bernoulli(logits)', [NaN], (l) => using(tf.fill([2, 3], l), (t) => new Bernoulli(t))],
  ['Categorical.fromProbs(p)', NOT_PROBABILITY, (p) => using(tf.tensor2d([[p, 1 - p]]), (t) => Categorical.fromProbs(t))],
  ['Bernoulli.logProb(x)', [0.5, 2, -1, NaN], (v) => using(tf.fill([1, 2], v), (t) => bernoulliOfProbs.logProb(t))],
  ['gatherPixels(index)', [-1, 4, 0.5, NaN], (i) => gatherPixels(images, [i])],
  ['pixelRange(start)', [-5, 4, 2.5, NaN], (s) => pixelRange(images, s, 2)],
  ['pixelRange(count)', [0, -1, 2.5, NaN], (c) => pixelRange(images, 0, c)],
  ['head(set, n)', NOT_COUNT, (n) => head(images, n)],
  ['downsample(set, factor)', [0, 3, 2.5, NaN], (f) => downsample(images, f)],
  ['batchIndices(batchSize)', [0, ...NOT_COUNT], (b) => batchIndices(key, 4, b, 0)],
  ['batchIndices(step)', NOT_COUNT, (s) => batchIndices(key, 4, 2, s)],
  ['Vae(latentDim)', [0, ...NOT_COUNT], (d) => new Vae({ dataDim: 16, hidden: [4], latentDim: d }, key)],
  ['evaluateElbo(count)', [0, ...NOT_COUNT], (c) => evaluateElbo(vae, images, key, c)],
  ['Vae.iwae(k)', [0, ...NOT_COUNT], (k) => vae.iwae(binaryImage, key, k)],
  ['klWeight(step)', NOT_COUNT, (s) => klWeight({ kind: 'constant', beta: 1 }, s)],
  ['committedRate(scale)', NOT_POSITIVE, (s) => committedRate(s)],
  ['posteriorScaleForRate(delta)', NOT_POSITIVE, (d) => posteriorScaleForRate(d)],
  ['bitsPerDim(dim)', [0, ...NOT_COUNT], (d) => bitsPerDim(100, d)],
  ['bitsPerDim(levels)', [1, ...NOT_FINITE], (l) => bitsPerDim(100, 4, l)],
  ['LogitTransform(lambda)', [0, 0.5, -1, ...NOT_FINITE], (l) => LogitTransform(4, l)],
  ['eulerMaruyama(dt)', NOT_POSITIVE, (dt) => eulerMaruyama(key, x0, (x) => tf.neg(x), { dt, steps: 2 })],
  ['eulerMaruyama(steps)', NOT_COUNT, (n) => eulerMaruyama(key, x0, (x) => tf.neg(x), { dt: 0.1, steps: n })],
  ['eulerMaruyama(sigma)', [-1, ...NOT_FINITE], (s) => eulerMaruyama(key, x0, (x) => tf.neg(x), { dt: 0.1, steps: 2, sigma: s })],
  ['gaussHermite(n)', [0, 201, 1e9, ...NOT_COUNT], (n) => gaussHermite(n)],
  ['nngp Dense(width)', [0, ...NOT_COUNT], (w) => NngpDense(w, 1, 0)],
  ['nngp Dense(sigmaW2)', NOT_POSITIVE, (s) => NngpDense(4, s, 0)],
  ['psychometric(sigma)', NOT_POSITIVE, (s) => psychometric('normal', { ...psychometricParams, sigma: s }, 0)],
  ['psychometric(lapse)', NOT_PROBABILITY, (g) => psychometric('normal', { ...psychometricParams, gamma: g }, 0)],
  ['psychometric(stimulus)', NOT_FINITE, (s) => psychometric('normal', psychometricParams, s)],
  ['pruneByMagnitude(rate)', NOT_RATE, (r) => pruneByMagnitude([new Float32Array(4)], fullMasks([4]), [r])],
  ['pruneGlobally(rate)', NOT_RATE, (r) => pruneGlobally([new Float32Array(4)], fullMasks([4]), r)],
  ['combinedRates(rounds)', [0, ...NOT_COUNT], (n) => combinedRates([0.2], n)],
  ['ratePerRound(fraction)', [0, 1.5, ...NOT_FINITE], (f) => ratePerRound(f, 3)],
  ['MaskedNetwork(sizes)', [0, ...NOT_COUNT], (n) => new MaskedNetwork([784, n, 10], key)],
  ['sliceImages(start)', [-1, 4, 2.5, NaN], (s) => sliceImages(images, s, 1)],
  ['SigmoidBeliefNet(sizes)', [0, ...NOT_COUNT], (n) => new SigmoidBeliefNet([16, 4, n], key)],
  ['barsImages(barProbability)', [0, 1, ...NOT_PROBABILITY], (p) => barsImages(key, 2, { barProbability: p })],
  ['importanceLogMarginal(particles)', [0, ...NOT_COUNT], (k) => importanceLogMarginal(sbn, key, binaryImage, k)],
  ['logMarginalByRows(rows)', [0, ...NOT_COUNT], (r) => logMarginalByRows(helmholtzLearner(sbn, 'rws', key), key, binaryImage, 5, r)],
  ['MultiHeadAttention(heads)', [0, 3, 5, ...NOT_COUNT], (h) => new MultiHeadAttention(8, h, key)],
  ['ambiguityBatch(distance)', [0, 6, 9, ...NOT_COUNT], (d) => ambiguityBatch(key, 2, 6, d)],
  ['sortBatch(symbols)', [1, 0, ...NOT_COUNT], (m) => sortBatch(key, 2, 6, m)],
  ['paddingMask(lengths)', [0, 5, 2.5, NaN], (n) => paddingMask([n], 4)],
  ['logLikelihood(right)', [-1, 11, 2.5, NaN], (r) => logLikelihood('normal', psychometricParams, [{ stimulus: 0, right: r, total: 10 }])],
];

describe('bad values at the public boundary', () => {
  it.each(probes)('%s: every bad value is a named error, within a second, with no tensor left behind', (_, values, call) => {
    for (const bad of values) {
      const before = tf.memory().numTensors;
      const t0 = Date.now();
      let thrown: unknown = null;
      try {
        tf.dispose(call(bad) as tf.Tensor); // a result would be disposed, but none is expected
      } catch (e) {
        thrown = e;
      }
      const made = tf.memory().numTensors - before;
      if (!(thrown instanceof LectureError)) {
        throw new Error(`value ${bad}: ${thrown === null ? 'returned a result' : `threw an unnamed ${(thrown as Error).name}: ${(thrown as Error).message}`}`);
      }
      expect(Date.now() - t0, `value ${bad} took too long`).toBeLessThan(1000);
      expect(made, `value ${bad}: tensors left behind`).toBe(0);
    }
  });

  it('counts the probes', () => {
    expect(probes.reduce((n, [, values]) => n + values.length, 0)).toBeGreaterThan(150);
  });
});
