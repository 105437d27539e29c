// A VRNN-style model (Chung et al. 2015): a recurrent state h_t, driven by the data and the latents,
// shared by a prior head p(z_t | h_t-1), a recognition head q(z_t | h_t-1, x_t) and the emission
// p(x_t | z_t, h_t-1). Prior and recognition share the state but not their heads: two networks
// where the predictive-coding model has one.
import * as tf from '../core/tf';
import { Key, uniform } from '../core/random';
import { GruCell } from '../nn/gru-cell';
import { Dense } from '../nn/dense';
import { Mlp } from '../nn/mlp';
import { ComposedModel, Emission, Likelihood, ModelPart, SequenceLatentModel, SequenceTerms, TermRecorder, checkSequences, splitGaussian, stepDraw } from './sequence-model';

export interface VrnnConfig {
  data: number;
  latent: number;
  /** Width of the recurrent state. */
  width: number;
  /** Hidden widths of the recognition head and the emission. */
  hidden: number[];
  likelihood: Likelihood;
}

export class Vrnn extends ComposedModel implements SequenceLatentModel {
  readonly data: number;
  readonly latent: number;
  readonly rnn: GruCell;
  readonly priorHead: Dense;
  readonly recognitionHead: Mlp;
  readonly emission: Emission;

  constructor(readonly config: VrnnConfig, key: Key, name = 'vrnn') {
    super();
    this.data = config.data;
    this.latent = config.latent;
    const k = key.split(4);
    this.rnn = new GruCell(config.data + config.latent, config.width, k[0], `${name}/rnn`);
    this.priorHead = new Dense(config.width, 2 * config.latent, 'linear', k[1], `${name}/prior`);
    this.recognitionHead = new Mlp({ sizes: [config.width + config.data, ...config.hidden, 2 * config.latent], hidden: 'tanh', output: 'linear' }, k[2], `${name}/recognition`);
    this.emission = new Emission(config.latent + config.width, config.data, config.hidden, config.likelihood, k[3], `${name}/emission`);
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
      let h = tf.zeros([x.shape[0], this.config.width]) as tf.Tensor2D;
      const record = new TermRecorder(weights);
      (tf.unstack(x, 1) as tf.Tensor2D[]).forEach((xt, t) => {
        const p = splitGaussian(this.priorHead.apply(h));
        const q = splitGaussian(this.recognitionHead.apply(tf.concat([h, xt], 1)));
        const z = stepDraw(q, key.foldIn(t));
        record.add(q, p, z, tf.concat([z, h], 1));
        h = this.rnn.step(tf.concat([xt, z], 1), h);
      });
      return read(record);
    });
  }

  /**
   * The prior's rollout: each step's emission mean is what it shows, and what it feeds back as the
   * next input, except that a Bernoulli emission feeds back a binary draw, the kind of x it read in training.
   */
  imagine(count: number, steps: number, key: Key): tf.Tensor3D {
    return tf.tidy(() => {
      let h = tf.zeros([count, this.config.width]) as tf.Tensor2D;
      const means: tf.Tensor2D[] = [];
      for (let t = 0; t < steps; t++) {
        const z = stepDraw(splitGaussian(this.priorHead.apply(h)), key.foldIn(t));
        const mean = this.emission.mean(tf.concat([z, h], 1));
        means.push(mean);
        const said = this.config.likelihood === 'bernoulli' ? tf.cast(tf.less(uniform(key.foldIn(t).foldIn(1), mean.shape), mean), 'float32') as tf.Tensor2D : mean;
        h = this.rnn.step(tf.concat([said, z], 1), h);
      }
      return tf.stack(means, 1) as tf.Tensor3D;
    });
  }

  protected get parts(): ModelPart[] {
    return [this.rnn, this.priorHead, this.recognitionHead, this.emission];
  }
}
