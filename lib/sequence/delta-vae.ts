// A sequence VAE with a strong decoder, the setting where latents collapse, and the delta-VAE's
// remedy (Razavi et al. 2019). The decoder is autoregressive, p(x_t | x_<t, z_t) through a GRU, so
// it can model the data without z. The posterior is independent across time, q(z_t | x_t) from x_t
// alone; the prior is AR(1) per latent dimension with coefficient alpha. With alpha = 0 the prior is
// the usual N(0, I) at every step and nothing keeps the KL above zero; with alpha > 0 no such
// posterior equals the prior, and the KL stays above the committed rate (delta-prior.ts).
import * as tf from '../core/tf';
import { checkNumber } from '../core/errors';
import { Key, normal } from '../core/random';
import { GruCell } from '../nn/gru-cell';
import { Mlp } from '../nn/mlp';
import { Normal } from '../distributions/normal';
import { ComposedModel, Emission, Likelihood, ModelPart, SequenceLatentModel, SequenceTerms, checkSequences } from './sequence-model';

export interface DeltaVaeConfig {
  data: number;
  latent: number;
  /** Width of the decoder's GRU. */
  width: number;
  /** Hidden widths of the encoder and the emission. */
  hidden: number[];
  likelihood: Likelihood;
  /** The prior's AR(1) coefficient in [0, 1): 0 is the usual N(0, I) prior at every step. */
  alpha: number;
}

export class DeltaSequenceVae extends ComposedModel implements SequenceLatentModel {
  readonly data: number;
  readonly latent: number;
  readonly encoder: Mlp;
  readonly decoder: GruCell;
  readonly emission: Emission;

  constructor(readonly config: DeltaVaeConfig, key: Key, name = 'delta-vae') {
    super();
    checkNumber('alpha', config.alpha, (v) => v >= 0 && v < 1, 'in [0, 1)');
    this.data = config.data;
    this.latent = config.latent;
    const k = key.split(3);
    this.encoder = new Mlp({ sizes: [config.data, ...config.hidden, 2 * config.latent], hidden: 'tanh', output: 'linear' }, k[0], `${name}/encoder`);
    this.decoder = new GruCell(config.data + config.latent, config.width, k[1], `${name}/decoder`);
    this.emission = new Emission(config.width, config.data, config.hidden, config.likelihood, k[2], `${name}/emission`);
  }

  /** q(z_t | x_t) for every step at once: mean and log standard deviation, [batch, T, latent] each. */
  posterior(x: tf.Tensor3D): { mean: tf.Tensor3D; logStd: tf.Tensor3D } {
    checkSequences(x, this.data);
    return tf.tidy(() => {
      const [b, steps] = x.shape;
      const out = tf.reshape(this.encoder.apply(tf.reshape(x, [b * steps, this.data]) as tf.Tensor2D), [b, steps, 2 * this.latent]);
      const [mean, logStd] = tf.split(out, 2, 2) as [tf.Tensor3D, tf.Tensor3D];
      return { mean, logStd };
    });
  }

  recognitionMeans(x: tf.Tensor3D): tf.Tensor3D {
    const { mean, logStd } = this.posterior(x);
    logStd.dispose();
    return mean;
  }

  /**
   * KL(q_t || p(z_t | z_t-1)) averaged over z_t-1 ~ q_t-1, per step [batch, T]; the steps sum to the
   * whole sequence's KL (chain rule, q independent across time). With p(z_t | z_t-1) =
   * N(alpha z_t-1, 1 - alpha^2): E (m_t - alpha z_t-1)^2 = (m_t - alpha m_t-1)^2 + alpha^2 s_t-1^2.
   */
  stepKls(mean: tf.Tensor3D, logStd: tf.Tensor3D): tf.Tensor2D {
    const a = this.config.alpha;
    const steps = mean.shape[1];
    return tf.tidy(() => {
      const variance = tf.exp(tf.mul(logStd, 2));
      const shift = (t: tf.Tensor3D) => tf.concat([tf.zerosLike(t.slice([0, 0, 0], [-1, 1, -1])), t.slice([0, 0, 0], [-1, steps - 1, -1])], 1);
      // the first step's prior is the stationary N(0, 1): alpha = 0 in the formula
      const first = tf.concat([tf.zeros([1, 1, 1]), tf.fill([1, steps - 1, 1], 1)], 1);
      const alpha = tf.mul(first, a);
      const priorVar = tf.sub(1, tf.square(alpha));
      const meanTerm = tf.add(tf.square(tf.sub(mean, tf.mul(alpha, shift(mean)))), tf.mul(tf.square(alpha), shift(variance as tf.Tensor3D)));
      const kl = tf.sub(tf.sub(tf.div(tf.add(variance, meanTerm), priorVar), 1), tf.sub(tf.mul(logStd, 2), tf.log(priorVar)));
      return tf.mul(tf.sum(kl, 2), 0.5) as tf.Tensor2D;
    });
  }

  /** The decoder's states: the GRU reads x_t-1 (zeros at t = 1) beside z_t; [batch, T, width]. */
  private states(x: tf.Tensor3D, z: tf.Tensor3D): tf.Tensor3D {
    const [b, steps] = x.shape;
    const previous = tf.concat([tf.zeros([b, 1, this.data]), x.slice([0, 0, 0], [-1, steps - 1, -1])], 1);
    return this.decoder.run(tf.concat([previous, z], 2) as tf.Tensor3D, tf.zeros([b, this.config.width]) as tf.Tensor2D).states;
  }

  terms(x: tf.Tensor3D, key: Key, weights = false): SequenceTerms {
    return tf.tidy(() => {
      const { mean, logStd } = this.posterior(x);
      const [b, steps] = x.shape;
      const z = tf.add(mean, tf.mul(tf.exp(logStd), normal(key, mean.shape))) as tf.Tensor3D;
      const rows = (t: tf.Tensor, width: number) => tf.reshape(t, [b * steps, width]) as tf.Tensor2D;
      const logLikelihood = tf.reshape(this.emission.logProb(rows(x, this.data), rows(this.states(x, z), this.config.width)), [b, steps]) as tf.Tensor2D;
      if (!weights) return { logLikelihood, kl: this.stepKls(mean, logStd) };
      const q = new Normal(mean, tf.exp(logStd), { eventRank: 1, validate: false });
      const a = this.config.alpha;
      const priorMean = tf.mul(tf.concat([tf.zeros([b, 1, this.latent]), z.slice([0, 0, 0], [-1, steps - 1, -1])], 1), a);
      const priorStd = tf.concat([tf.ones([b, 1, this.latent]), tf.fill([b, steps - 1, this.latent], Math.sqrt(1 - a * a))], 1);
      const p = new Normal(priorMean, priorStd, { eventRank: 1, validate: false });
      return { logLikelihood, logRatio: tf.sub(p.logProb(z), q.logProb(z)) as tf.Tensor2D };
    });
  }

  /** Sequences from the prior and the decoder, each step's mean fed back as the next input. */
  imagine(count: number, steps: number, key: Key): tf.Tensor3D {
    return tf.tidy(() => {
      const a = this.config.alpha;
      let z = normal(key.foldIn(0), [count, this.latent]) as tf.Tensor2D;
      let h = tf.zeros([count, this.config.width]) as tf.Tensor2D;
      let previous = tf.zeros([count, this.data]) as tf.Tensor2D;
      const means: tf.Tensor2D[] = [];
      for (let t = 0; t < steps; t++) {
        if (t > 0) z = tf.add(tf.mul(z, a), tf.mul(normal(key.foldIn(t), [count, this.latent]), Math.sqrt(1 - a * a))) as tf.Tensor2D;
        h = this.decoder.step(tf.concat([previous, z], 1) as tf.Tensor2D, h);
        previous = this.emission.mean(h);
        means.push(previous);
      }
      return tf.stack(means, 1) as tf.Tensor3D;
    });
  }

  protected get parts(): ModelPart[] {
    return [this.encoder, this.decoder, this.emission];
  }
}
