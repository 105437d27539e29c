// The bars problem (after Bornschein and Bengio's experiment): 5×5 binary images, each of the 10
// possible bars (5 rows, 5 columns) on independently with probability 0.1. Small enough that the
// true distribution, and so its entropy, the best any model's log-likelihood can do, is enumerable.
import * as tf from '../core/tf';
import { ShapeError, checkInt, checkNumber } from '../core/errors';
import { Key } from '../core/random';

export interface BarsOptions {
  /** Side of the square image (side rows and side columns of bars). */
  side?: number;
  /** Probability that each bar is on. */
  barProbability?: number;
}

function settings(o: BarsOptions) {
  const side = o.side ?? 5;
  const p = o.barProbability ?? 0.1;
  checkInt('side', side, 1);
  checkNumber('barProbability', p, (v) => v > 0 && v < 1, 'a probability strictly between 0 and 1');
  return { side, p };
}

/** The image drawn by a set of bars (bit r: row r; bit side + c: column c). */
function paint(bars: number, side: number): Uint8Array {
  const image = new Uint8Array(side * side);
  for (let r = 0; r < side; r++) if ((bars >> r) & 1) for (let c = 0; c < side; c++) image[r * side + c] = 1;
  for (let c = 0; c < side; c++) if ((bars >> (side + c)) & 1) for (let r = 0; r < side; r++) image[r * side + c] = 1;
  return image;
}

/** `n` bars images [n, side²] drawn with the key. */
export function barsImages(key: Key, n: number, options: BarsOptions = {}): tf.Tensor2D {
  checkInt('n', n, 1);
  const { side, p } = settings(options);
  const u = key.uniforms(n * 2 * side);
  const out = new Float32Array(n * side * side);
  for (let i = 0; i < n; i++) {
    let bars = 0;
    for (let b = 0; b < 2 * side; b++) if (u[i * 2 * side + b] < p) bars |= 1 << b;
    out.set(paint(bars, side), i * side * side);
  }
  return tf.tensor2d(out, [n, side * side]);
}

/** Every distinct image with its probability (bar sets that paint the same image are merged). */
export function barsDistribution(options: BarsOptions = {}): { image: Uint8Array; probability: number }[] {
  const { side, p } = settings(options);
  const byImage = new Map<string, { image: Uint8Array; probability: number }>();
  for (let bars = 0; bars < 2 ** (2 * side); bars++) {
    let on = 0;
    for (let b = 0; b < 2 * side; b++) on += (bars >> b) & 1;
    const probability = p ** on * (1 - p) ** (2 * side - on);
    const image = paint(bars, side);
    const id = image.join('');
    const entry = byImage.get(id);
    if (entry) entry.probability += probability;
    else byImage.set(id, { image, probability });
  }
  return [...byImage.values()];
}

/** The exact entropy of the bars distribution in nats per image: no model's expected log-likelihood exceeds −H. */
export function barsEntropy(options: BarsOptions = {}): number {
  return -barsDistribution(options).reduce((s, { probability }) => s + probability * Math.log(probability), 0);
}

/**
 * E_bars[log p_model(x)] in nats, from the model's log p at every image of barsDistribution (same
 * order): exact, with no sampling of data. −H − this is KL(bars ‖ model), the model's gap.
 */
export function expectedLogLikelihoodOnBars(logLikelihoods: ArrayLike<number>, options: BarsOptions = {}): number {
  const dist = barsDistribution(options);
  if (logLikelihoods.length !== dist.length) {
    throw new ShapeError(`${logLikelihoods.length} log-likelihoods for the ${dist.length} distinct bars images`, 'score every image of barsDistribution(), in its order (barsDistributionImages)');
  }
  return dist.reduce((s, { probability }, i) => s + probability * logLikelihoods[i], 0);
}

/** Every distinct bars image as the rows of a tensor [images, side²], in barsDistribution's order. */
export function barsDistributionImages(options: BarsOptions = {}): tf.Tensor2D {
  const dist = barsDistribution(options);
  const side = settings(options).side;
  const out = new Float32Array(dist.length * side * side);
  dist.forEach(({ image }, i) => out.set(image, i * side * side));
  return tf.tensor2d(out, [dist.length, side * side]);
}

/**
 * The bars that units have found: unit j (row j of `unitWeights`, one weight per pixel) has found a
 * bar when its `side` largest weights are exactly one row or one column. Returns the distinct bars
 * (r for row r, side + c for column c), ascending.
 */
export function barsFound(unitWeights: number[][], side = 5): number[] {
  const bars = new Set<number>();
  for (const [j, w] of unitWeights.entries()) {
    if (w.length !== side * side) throw new ShapeError(`unit ${j} has ${w.length} weights`, `pass ${side * side} weights per unit, one per pixel`);
    const top = w.map((v, i) => [v, i]).sort((a, b) => b[0] - a[0]).slice(0, side).map(([, i]) => i);
    const rows = new Set(top.map((i) => Math.floor(i / side))), cols = new Set(top.map((i) => i % side));
    if (rows.size === 1) bars.add([...rows][0]);
    else if (cols.size === 1) bars.add(side + [...cols][0]);
  }
  return [...bars].sort((a, b) => a - b);
}
