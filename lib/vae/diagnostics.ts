// How much a VAE uses its latent: the KL of each dimension, the active units (Burda et al. 2016:
// unit i is active when Var_x E_q[z_i|x] > 0.01), the mutual information I(x; z) under
// q(x, z) = p_data(x) q(z|x), and the rate-distortion pair. A collapsed posterior scores zero on all.
import * as tf from '../core/tf';
import { checkInt, checkNumber } from '../core/errors';
import { Key, normal } from '../core/random';
import { meanAndStderr } from '../core/stats';
import { LatentVae } from './latent-vae';

/** Posterior means and scales of many examples, read in chunks: row-major [n * latentDim]. */
export function posteriorMoments(model: LatentVae, x: tf.Tensor2D, chunk = 500): { loc: Float32Array; scale: Float32Array } {
  const n = x.shape[0];
  const d = model.latentDim;
  const loc = new Float32Array(n * d);
  const scale = new Float32Array(n * d);
  for (let s = 0; s < n; s += chunk) {
    const m = Math.min(chunk, n - s);
    const [l, c] = tf.tidy(() => {
      const q = model.encode(tf.slice(x, [s, 0], [m, -1]));
      return [q.loc.dataSync(), q.scale.dataSync()];
    });
    loc.set(l, s * d);
    scale.set(c, s * d);
  }
  return { loc, scale };
}

/** Var over examples of E_q[z_i|x] per dimension, and the count above `threshold`. */
export function activeUnits(loc: Float32Array, latentDim: number, threshold = 0.01): { count: number; variances: number[] } {
  checkNumber('threshold', threshold, (t) => t >= 0, '>= 0');
  const n = loc.length / latentDim;
  const variances = Array.from({ length: latentDim }, (_, i) => {
    let mean = 0;
    for (let k = 0; k < n; k++) mean += loc[k * latentDim + i];
    mean /= n;
    let v = 0;
    for (let k = 0; k < n; k++) v += (loc[k * latentDim + i] - mean) ** 2;
    return v / n;
  });
  return { count: variances.filter((v) => v > threshold).length, variances };
}

/** Mean over examples of KL(q(z_i|x) || N(0, 1)) for each dimension i. */
export function klPerDimension(loc: Float32Array, scale: Float32Array, latentDim: number): number[] {
  const n = loc.length / latentDim;
  const out = new Array<number>(latentDim).fill(0);
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < latentDim; i++) {
      const m = loc[k * latentDim + i];
      const s = scale[k * latentDim + i];
      out[i] += 0.5 * (m * m + s * s - 1 - 2 * Math.log(s)) / n;
    }
  }
  return out;
}

/**
 * I(x; z) under q(x, z), estimated as the mean over examples n of
 * log q(z_n|x_n) - log (1/N) sum_m q(z_n|x_m), with z_n ~ q(z|x_n) and the aggregate posterior
 * q(z) taken as the mixture over the same N examples. It cannot exceed log N.
 */
export function mutualInformation(loc: Float32Array, scale: Float32Array, latentDim: number, key: Key): number {
  const n = loc.length / latentDim;
  const d = latentDim;
  return tf.tidy(() => {
    const mu = tf.tensor2d(loc, [n, d]);
    const sd = tf.tensor2d(scale, [n, d]);
    const z = tf.add(mu, tf.mul(sd, normal(key, [n, d])));
    // log q(z_a | x_b) for all pairs: -1/2 sum ((z_a - mu_b)/s_b)^2 - sum log s_b - d/2 log 2 pi
    const inv = tf.reciprocal(sd); // [n, d]
    const inv2 = tf.square(inv);
    const quad = tf.add(
      tf.sub(tf.matMul(tf.square(z), inv2, false, true), tf.mul(2, tf.matMul(z, tf.mul(mu, inv2), false, true))),
      tf.sum(tf.square(tf.mul(mu, inv)), 1).reshape([1, n]),
    ); // [a, b]
    const logQ = tf.sub(tf.mul(-0.5, quad), tf.add(tf.sum(tf.log(sd), 1).reshape([1, n]), 0.5 * d * Math.log(2 * Math.PI)));
    const own = tf.sum(tf.mul(logQ, tf.eye(n)), 1);
    const aggregate = tf.sub(tf.logSumExp(logQ, 1), Math.log(n));
    return tf.mean(tf.sub(own, aggregate)).dataSync()[0];
  });
}

export interface CollapseReport {
  /** Mean ELBO and its standard error (nats). */
  elbo: { mean: number; stderr: number };
  /** Rate: mean KL(q(z|x) || p(z)) (nats). */
  rate: number;
  /** Distortion: -mean E_q log p(x|z) (nats). */
  distortion: number;
  klPerDim: number[];
  activeUnits: number;
  mutualInformation: number;
  /** Mean IWAE bound, when asked for. */
  iwae?: { mean: number; stderr: number };
}

/** All diagnostics on a set of examples x (one draw per example for the ELBO terms). */
export function diagnose(model: LatentVae, x: tf.Tensor2D, key: Key, options: { iwaeSamples?: number; chunk?: number } = {}): CollapseReport {
  const [kElbo, kMi, kIwae] = key.split(3);
  const chunk = options.chunk ?? 500;
  checkInt('chunk', chunk, 1);
  const n = x.shape[0];
  const elbo: number[] = [];
  const recon: number[] = [];
  const iwae: number[] = [];
  for (let s = 0, c = 0; s < n; s += chunk, c++) {
    const m = Math.min(chunk, n - s);
    tf.tidy(() => {
      const xs = tf.slice(x, [s, 0], [m, -1]) as tf.Tensor2D;
      const t = model.terms(xs, kElbo.foldIn(c));
      const r = t.reconstruction.dataSync();
      const k = tf.sum(t.klPerDim, 1).dataSync();
      r.forEach((v, i) => { recon.push(v); elbo.push(v - k[i]); });
      if (options.iwaeSamples) iwae.push(...model.iwae(xs, kIwae.foldIn(c), options.iwaeSamples).dataSync());
    });
  }
  const { loc, scale } = posteriorMoments(model, x, chunk);
  const d = model.latentDim;
  const klPerDim = klPerDimension(loc, scale, d);
  const report: CollapseReport = {
    elbo: meanAndStderr(elbo),
    rate: klPerDim.reduce((a, b) => a + b, 0),
    distortion: -recon.reduce((a, b) => a + b, 0) / n,
    klPerDim,
    activeUnits: activeUnits(loc, d).count,
    mutualInformation: mutualInformation(loc, scale, d, kMi),
  };
  if (options.iwaeSamples) report.iwae = meanAndStderr(iwae);
  return report;
}
