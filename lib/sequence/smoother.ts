// The smoothing baseline, as in deep Markov models (Krishnan, Shalit and Sontag 2017): a Markov prior
// p(z_t | z_t-1) and a recognition model that sees the whole future, q(z_t | z_t-1, x_t..T), through
// a backward GRU over the sequence. A filtering q (VRNN, predictive coding) sees only x_1..t; the
// exact posterior of a state-space model depends on the future too, the gap Bayer et al. (2021)
// measured.
import * as tf from '../core/tf';
import { Key } from '../core/random';
import { GruCell } from '../nn/gru-cell';
import { Mlp } from '../nn/mlp';
import { ComposedModel, Emission, Likelihood, ModelPart, SequenceLatentModel, SequenceTerms, TermRecorder, checkSequences, splitGaussian, stepDraw } from './sequence-model';

export interface SmootherConfig {
  data: number;
  latent: number;
  /** Width of the backward GRU. */
  width: number;
  /** Hidden widths of the transition, the combiner and the emission. */
  hidden: number[];
  likelihood: Likelihood;
}

export class SmoothingModel extends ComposedModel implements SequenceLatentModel {
  readonly data: number;
  readonly latent: number;
  readonly backward: GruCell;
  readonly transition: Mlp;
  readonly combiner: Mlp;
  readonly emission: Emission;

  constructor(readonly config: SmootherConfig, key: Key, name = 'smoother') {
    super();
    this.data = config.data;
    this.latent = config.latent;
    const k = key.split(4);
    this.backward = new GruCell(config.data, config.width, k[0], `${name}/backward`);
    this.transition = new Mlp({ sizes: [config.latent, ...config.hidden, 2 * config.latent], hidden: 'tanh', output: 'linear' }, k[1], `${name}/transition`);
    this.combiner = new Mlp({ sizes: [config.latent + config.width, ...config.hidden, 2 * config.latent], hidden: 'tanh', output: 'linear' }, k[2], `${name}/combiner`);
    this.emission = new Emission(config.latent, config.data, config.hidden, config.likelihood, k[3], `${name}/emission`);
  }

  terms(x: tf.Tensor3D, key: Key, weights = false): SequenceTerms {
    return this.pass(x, key, weights, (record) => record.terms(x, this.emission));
  }

  recognitionMeans(x: tf.Tensor3D, key: Key): tf.Tensor3D {
    return this.pass(x, key, false, (record) => record.means());
  }

  private pass<T extends tf.TensorContainer>(x: tf.Tensor3D, key: Key, weights: boolean, read: (record: TermRecorder) => T): T {
    checkSequences(x, this.data);
    return tf.tidy(() => {
      const b = x.shape[0];
      // b_t summarises x_t..T: the GRU runs over the reversed sequence
      const future = tf.reverse(this.backward.run(tf.reverse(x, 1) as tf.Tensor3D, tf.zeros([b, this.config.width]) as tf.Tensor2D).states, 1);
      const summaries = tf.unstack(future, 1) as tf.Tensor2D[];
      let z = tf.zeros([b, this.latent]) as tf.Tensor2D;
      const record = new TermRecorder(weights);
      summaries.forEach((summary, t) => {
        const p = splitGaussian(this.transition.apply(z));
        const q = splitGaussian(this.combiner.apply(tf.concat([z, summary], 1)));
        z = stepDraw(q, key.foldIn(t));
        record.add(q, p, z);
      });
      return read(record);
    });
  }

  imagine(count: number, steps: number, key: Key): tf.Tensor3D {
    return tf.tidy(() => {
      let z = tf.zeros([count, this.latent]) as tf.Tensor2D;
      const means: tf.Tensor2D[] = [];
      for (let t = 0; t < steps; t++) {
        z = stepDraw(splitGaussian(this.transition.apply(z)), key.foldIn(t));
        means.push(this.emission.mean(z));
      }
      return tf.stack(means, 1) as tf.Tensor3D;
    });
  }

  protected get parts(): ModelPart[] {
    return [this.backward, this.transition, this.combiner, this.emission];
  }
}
