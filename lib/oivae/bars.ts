// The bars data of the oi-VAE paper's public code: side×side images, each with exactly one horizontal
// bar (one row set to a constant intensity, the rest 0), plus independent Gaussian noise. Its density
// is a mixture of `side` Gaussians with equal weights, so its entropy, the best possible expected
// negative log-likelihood of any model, is known in closed form up to the overlap of the components.
import * as tf from '../core/tf';
import { ParameterError, ShapeError, checkInt, fmtShape } from '../core/errors';
import { Key, normal, uniform } from '../core/random';

export interface BarsOptions {
  side: number;
  intensity: number;
  noise: number;
}

/** The paper's setting: 8×8 images, bars of 0.5, noise σ = 0.05 (2,048 training images). */
export const BARS: BarsOptions = { side: 8, intensity: 0.5, noise: 0.05 };
export const BARS_TRAINING_IMAGES = 2048;

function checkBars(o: BarsOptions): void {
  checkInt('side', o.side, 1);
  if (!(o.noise > 0) || !Number.isFinite(o.noise)) throw new ParameterError(`noise ${o.noise}`, 'use a positive noise standard deviation (the density needs one)');
  if (!Number.isFinite(o.intensity)) throw new ParameterError(`intensity ${o.intensity}`, 'use a finite bar intensity');
}

/** n images [n, side²] and the row of each image's bar. */
export function barsImages(key: Key, n: number, o: BarsOptions = BARS): { x: tf.Tensor2D; rows: Int32Array } {
  checkInt('n', n, 1);
  checkBars(o);
  const [kr, kn] = key.split(2);
  const u = uniform(kr, [n]);
  const rows = Int32Array.from(u.dataSync(), (v) => Math.min(o.side - 1, Math.floor(v * o.side)));
  u.dispose();
  const x = tf.tidy(() => {
    const bar = tf.oneHot(tf.tensor1d(rows, 'int32'), o.side); // [n, side]: which row is lit
    const clean = tf.mul(tf.reshape(tf.tile(tf.expandDims(bar, 2), [1, 1, o.side]), [n, o.side * o.side]), o.intensity);
    return tf.add(clean, tf.mul(normal(kn, [n, o.side * o.side]), o.noise)) as tf.Tensor2D;
  });
  return { x, rows };
}

/**
 * The differential entropy of the bars density, in nats per image: H = H(X | bar) + H(bar) − H(bar | X),
 * with H(X | bar) = (D/2) log(2πeσ²) for D pixels and H(bar) = log(side). The last term, how uncertain
 * the bar's row stays after seeing the image, is what the components' overlap costs: with means
 * d = intensity·√(2·side) apart the Bayes error is P ≤ (side − 1)/2 · exp(−d²/(8σ²)), and the term is
 * at most h(P) + P log(side − 1) (h the binary entropy). In the paper's setting d = 40σ and the bound
 * is below 1e-80 nats. The entropy lies in [nats − overlapBound, nats].
 */
export function barsEntropy(o: BarsOptions = BARS): { nats: number; overlapBound: number } {
  checkBars(o);
  const d = o.side * o.side;
  const gaussian = (d / 2) * Math.log(2 * Math.PI * Math.E * o.noise * o.noise);
  const distance = Math.abs(o.intensity) * Math.sqrt(2 * o.side);
  const error = Math.min(0.5, ((o.side - 1) / 2) * Math.exp(-(distance * distance) / (8 * o.noise * o.noise)));
  const binary = error > 0 ? -error * Math.log(error) - (1 - error) * Math.log1p(-error) : 0;
  const overlapBound = error >= 0.5 ? Math.log(o.side) : binary + error * Math.log(Math.max(1, o.side - 1));
  return { nats: Math.log(o.side) + gaussian, overlapBound };
}

/** The exact log-density log p(x) of each image under the bars mixture, in nats (x [n, side²]). */
export function barsLogDensity(x: tf.Tensor2D, o: BarsOptions = BARS): Float64Array {
  checkBars(o);
  const d = o.side * o.side;
  if (x.rank !== 2 || x.shape[1] !== d) throw new ShapeError(`bars images of ${o.side}×${o.side} got x of shape ${fmtShape(x.shape)}`, `pass a [n, ${d}] tensor`);
  const v = x.dataSync(), n = x.shape[0], s2 = o.noise * o.noise;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // component r lights row r: its squared distance, over the pixels
    const comps = Array.from({ length: o.side }, (_, r) => {
      let sq = 0;
      for (let p = 0; p < d; p++) sq += (v[i * d + p] - (Math.floor(p / o.side) === r ? o.intensity : 0)) ** 2;
      return -sq / (2 * s2);
    });
    const m = Math.max(...comps);
    out[i] = m + Math.log(comps.reduce((s, c) => s + Math.exp(c - m), 0) / o.side) - (d / 2) * Math.log(2 * Math.PI * s2);
  }
  return out;
}

/** For each image [n * side²], the rows whose mean intensity exceeds `threshold` (half a bar by default). */
export function litRows(images: ArrayLike<number>, o: BarsOptions = BARS, threshold = o.intensity / 2): number[][] {
  const d = o.side * o.side;
  if (images.length % d !== 0) throw new ShapeError(`${images.length} values are not whole ${o.side}×${o.side} images`, `pass n images of ${d} pixels, row after row`);
  return Array.from({ length: images.length / d }, (_, i) => Array.from({ length: o.side }, (__, r) => r).filter((r) => {
    let sum = 0;
    for (let c = 0; c < o.side; c++) sum += images[i * d + r * o.side + c];
    return sum / o.side > threshold;
  }));
}
