// A VAE whose decoder and posterior family are chosen by the caller: the model of the posterior
// collapse lecture. The encoder gives q(z|x) = N(mu(x), diag sigma(x)^2); with `posteriorScale`
// set, sigma is that constant instead (delta-VAE: q can then never equal the prior, so the KL is at
// least the committed rate). The terms are kept per latent dimension for the diagnostics.
import * as tf from '../core/tf';
import { ParameterError, checkInt, checkNumber, checkShape } from '../core/errors';
import { checkBinary } from '../data/batches';
import { Key, normal } from '../core/random';
import { logMeanExpOfChunks, logSumExp, repeatRows } from '../core/ops';
import { isotropicNormalLogProb } from '../distributions';
import { Mlp } from '../nn';
import { BinaryDecoder } from './decoders';

export type LatentVaeTerms = {
  /** log p(x|z) with one reparameterised draw z ~ q(z|x), [batch]. */
  reconstruction: tf.Tensor1D;
  /** Analytic KL(q(z_i|x) || N(0, 1)) per example and dimension, [batch, latentDim]. */
  klPerDim: tf.Tensor2D;
};

const MIN_SCALE = 1e-4;

/** KL(N(mu, s^2) || N(0, 1)) elementwise. */
export function gaussianKlToStandard(mu: tf.Tensor, scale: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(0.5, tf.sub(tf.add(tf.square(mu), tf.square(scale)), tf.add(1, tf.mul(2, tf.log(scale))))));
}

export class LatentVae {
  readonly encoder: Mlp;
  readonly latentDim: number;
  readonly dataDim: number;

  constructor(readonly decoder: BinaryDecoder, encoderHidden: number[], key: Key, readonly posteriorScale?: number) {
    this.latentDim = decoder.latentDim;
    this.dataDim = decoder.dataDim;
    if (posteriorScale !== undefined) checkNumber('posteriorScale', posteriorScale, (s) => s > 0 && s < 1, 'in (0, 1) (a fixed scale below the prior\'s 1)');
    encoderHidden.forEach((h, i) => checkInt(`encoderHidden[${i}]`, h, 1));
    const outputs = posteriorScale === undefined ? 2 * this.latentDim : this.latentDim;
    this.encoder = new Mlp({ sizes: [this.dataDim, ...encoderHidden, outputs], hidden: 'relu', output: 'linear' }, key, 'encoder');
  }

  /** Posterior means and scales, each [batch, latentDim]. */
  encode(x: tf.Tensor2D): { loc: tf.Tensor2D; scale: tf.Tensor2D } {
    checkShape('x', x.shape, [-1, this.dataDim]);
    return tf.tidy(() => {
      const h = this.encoder.apply(x);
      if (this.posteriorScale !== undefined) return { loc: h, scale: tf.fill(h.shape, this.posteriorScale) as tf.Tensor2D };
      const [loc, raw] = tf.split(h, 2, 1) as tf.Tensor2D[];
      return { loc, scale: tf.add(tf.softplus(raw), MIN_SCALE) as tf.Tensor2D };
    });
  }

  terms(x: tf.Tensor2D, key: Key): LatentVaeTerms {
    return tf.tidy(() => {
      const { loc, scale } = this.encode(x);
      const z = tf.add(loc, tf.mul(scale, normal(key, loc.shape))) as tf.Tensor2D;
      const terms: LatentVaeTerms = { reconstruction: this.decoder.logProb(x, z), klPerDim: gaussianKlToStandard(loc, scale) as tf.Tensor2D };
      return terms;
    });
  }

  /** Per-example ELBO = reconstruction - sum of KL, [batch]. */
  elbo(x: tf.Tensor2D, key: Key): tf.Tensor1D {
    checkBinary('x', x);
    return tf.tidy(() => {
      const t = this.terms(x, key);
      return tf.sub(t.reconstruction, tf.sum(t.klPerDim, 1)) as tf.Tensor1D;
    });
  }

  /** Importance-weighted bound with k samples per example, [batch]; processed `chunk` samples at a time. */
  iwae(x: tf.Tensor2D, key: Key, k: number, chunk = 50): tf.Tensor1D {
    checkInt('k', k, 1);
    checkBinary('x', x);
    if (!(chunk >= 1)) throw new ParameterError(`chunk = ${chunk}`, 'pass a chunk of at least 1');
    const batch = x.shape[0];
    const d = this.latentDim;
    const { loc, scale } = this.encode(x);
    const parts: tf.Tensor1D[] = [];
    for (let start = 0, c = 0; start < k; start += chunk, c++) {
      const m = Math.min(chunk, k - start);
      parts.push(tf.tidy(() => {
        const eps = normal(key.foldIn(c), [m * batch, d]) as tf.Tensor2D;
        const locs = tf.tile(loc, [m, 1]) as tf.Tensor2D;
        const scales = tf.tile(scale, [m, 1]) as tf.Tensor2D;
        const z = tf.add(locs, tf.mul(scales, eps)) as tf.Tensor2D;
        const xs = repeatRows(x, m);
        const logQ = tf.sub(isotropicNormalLogProb(eps, 0, 1), tf.sum(tf.log(scales), 1));
        const logW = tf.sub(tf.add(this.decoder.logProb(xs, z), isotropicNormalLogProb(z, 0, 1)), logQ);
        return logSumExp(tf.reshape(logW, [m, batch]), 0) as tf.Tensor1D;
      }));
    }
    const out = logMeanExpOfChunks(parts, k) as tf.Tensor1D;
    tf.dispose([...parts, loc, scale]);
    return out;
  }

  get variables(): tf.Variable[] {
    return [...this.encoder.variables, ...this.decoder.variables];
  }

  namedVariables(): [string, tf.Variable][] {
    return [...this.encoder.namedVariables(), ...this.decoder.namedVariables()];
  }

  dispose(): void {
    this.encoder.dispose();
    this.decoder.dispose();
  }
}
