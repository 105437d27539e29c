// The variational autoencoder: Gaussian encoder q(z|x), standard normal prior p(z), Bernoulli decoder
// p(x|z); the ELBO with analytic or Monte Carlo KL, and the importance-weighted bound.
import * as tf from '../core/tf';
import { checkInt, checkShape } from '../core/errors';
import { Key } from '../core/random';
import { logMeanExpOfChunks, logSumExp, repeatRows } from '../core/ops';
import { Bernoulli, Normal, kl } from '../distributions';
import { Activation, Mlp, loadWeightsOrDispose, readWeightsMeta, saveWeights } from '../nn';
import { checkBinary } from '../data/batches';

export interface VaeConfig {
  dataDim: number;
  hidden: number[];
  latentDim: number;
  activation: Activation;
}

export function defaultVaeConfig(): VaeConfig {
  return { dataDim: 784, hidden: [512, 256], latentDim: 32, activation: 'relu' };
}

export type ElboParts = {
  /** Per-example ELBO, [batch]. */
  elbo: tf.Tensor1D;
  /** Per-example E_q[log p(x|z)] (one draw), [batch]. */
  reconstruction: tf.Tensor1D;
  /** Per-example KL(q(z|x) || p(z)) (analytic or one-draw estimate), [batch]. */
  kl: tf.Tensor1D;
};

const MIN_SCALE = 1e-4;

export class Vae {
  readonly config: VaeConfig;
  readonly encoder: Mlp;
  readonly decoder: Mlp;

  constructor(config: Partial<VaeConfig>, key: Key) {
    this.config = { ...defaultVaeConfig(), ...config };
    const { dataDim, hidden, latentDim, activation } = this.config;
    checkInt('dataDim', dataDim, 1);
    checkInt('latentDim', latentDim, 1);
    hidden.forEach((h, i) => checkInt(`hidden[${i}]`, h, 1));
    const [ke, kd] = key.split(2);
    this.encoder = new Mlp({ sizes: [dataDim, ...hidden, 2 * latentDim], hidden: activation, output: 'linear' }, ke, 'encoder');
    this.decoder = new Mlp({ sizes: [latentDim, ...[...hidden].reverse(), dataDim], hidden: activation, output: 'linear' }, kd, 'decoder');
  }

  get variables(): tf.Variable[] {
    return [...this.encoder.variables, ...this.decoder.variables];
  }

  namedVariables(): [string, tf.Variable][] {
    return [...this.encoder.namedVariables(), ...this.decoder.namedVariables()];
  }

  /** Writes weights and config (plus `provenance`) to `dir`. */
  save(dir: string, provenance: Record<string, unknown> = {}): void {
    saveWeights(dir, this.namedVariables(), { config: this.config, ...provenance });
  }

  /** A VAE with the configuration and weights stored in `dir`; also returns the stored metadata. */
  static load(dir: string): { vae: Vae; meta: Record<string, unknown> } {
    const meta = readWeightsMeta(dir) as { config: VaeConfig } & Record<string, unknown>;
    const vae = new Vae(meta.config, Key.fromSeed(0));
    loadWeightsOrDispose(dir, vae.namedVariables(), () => vae.dispose());
    return { vae, meta };
  }

  /** q(z|x) for x: [batch, dataDim]; one event per example. */
  encode(x: tf.Tensor2D): Normal {
    checkShape('x', x.shape, [-1, this.config.dataDim]);
    const [loc, scale] = tf.tidy(() => {
      const h = this.encoder.apply(x);
      const [mu, raw] = tf.split(h, 2, 1);
      return [mu, tf.add(tf.softplus(raw), MIN_SCALE)];
    });
    return new Normal(loc, scale, { eventRank: 1, validate: false });
  }

  /** p(x|z) for z: [batch, latentDim]. */
  decode(z: tf.Tensor2D): Bernoulli {
    checkShape('z', z.shape, [-1, this.config.latentDim]);
    return new Bernoulli(this.decoder.apply(z), { eventRank: 1, validate: false });
  }

  prior(batch: number): Normal {
    return Normal.standard([batch, this.config.latentDim], 1);
  }

  /** ELBO terms with a single reparameterised draw; `klMode` 'analytic' or 'mc' (one-draw estimate). x must be binary. */
  elboParts(x: tf.Tensor2D, key: Key, klMode: 'analytic' | 'mc' = 'analytic'): ElboParts {
    checkBinary('x', x);
    return this.elboTerms(x, key, klMode);
  }

  // derived in lecture 1 (notebooks/01-elbo-and-vae.ipynb)
  /** The ELBO's terms with one reparameterised draw of z (x unchecked: the training loop binarizes its own batches). */
  private elboTerms(x: tf.Tensor2D, key: Key, klMode: 'analytic' | 'mc'): ElboParts {
    return tf.tidy(() => {
      const q = this.encode(x);
      const p = this.prior(x.shape[0]);
      const z = q.rsample(key) as tf.Tensor2D;
      const reconstruction = this.decode(z).logProb(x) as tf.Tensor1D;
      const klTerm = (klMode === 'analytic' ? kl(q, p) : tf.sub(q.logProb(z), p.logProb(z))) as tf.Tensor1D;
      const parts: ElboParts = { elbo: tf.sub(reconstruction, klTerm), reconstruction, kl: klTerm };
      return parts;
    });
  }

  /** Per-example ELBO, [batch]. */
  elbo(x: tf.Tensor2D, key: Key, klMode: 'analytic' | 'mc' = 'analytic'): tf.Tensor1D {
    checkBinary('x', x);
    return tf.tidy(() => this.elboTerms(x, key, klMode).elbo);
  }

  /** The training loss: the negative mean ELBO of a binary batch (not checked: this is the hot path). */
  loss(x: tf.Tensor2D, key: Key): tf.Scalar {
    return tf.tidy(() => tf.neg(tf.mean(this.elboTerms(x, key, 'analytic').elbo)) as tf.Scalar);
  }

  /**
   * Importance-weighted bound log (1/k) sum_i p(x, z_i)/q(z_i|x), z_i ~ q, per example ([batch]);
   * it rises toward log p(x) as k grows. Samples are processed `chunk` at a time to bound memory.
   */
  iwae(x: tf.Tensor2D, key: Key, k: number, chunk = 250): tf.Tensor1D {
    checkInt('k', k, 1);
    checkInt('chunk', chunk, 1);
    checkBinary('x', x);
    const batch = x.shape[0];
    const parts: tf.Tensor[] = [];
    const q = this.encode(x);
    for (let start = 0, c = 0; start < k; start += chunk, c++) {
      const m = Math.min(chunk, k - start);
      parts.push(tf.tidy(() => {
        const z = q.rsample(key.foldIn(c), m); // [m, batch, latent]
        const flat = tf.reshape(z, [m * batch, this.config.latentDim]) as tf.Tensor2D;
        const xs = repeatRows(x, m);
        const logLik = tf.reshape(this.decode(flat).logProb(xs), [m, batch]);
        const logPrior = tf.reshape(this.prior(m * batch).logProb(flat), [m, batch]);
        const logW = tf.sub(tf.add(logLik, logPrior), q.logProb(z)); // [m, batch]
        return logSumExp(logW, 0); // [batch]
      }));
    }
    const out = logMeanExpOfChunks(parts, k) as tf.Tensor1D;
    tf.dispose([...parts, q.loc, q.scale]);
    return out;
  }

  dispose(): void {
    this.encoder.dispose();
    this.decoder.dispose();
  }
}
