// Two decoders p(x|z) for binary images, a weak one and a strong one. The factorized decoder makes
// the pixels independent given z, so all the structure of an image must pass through z. The
// autoregressive decoder (a MADE over pixels, conditioned on z) can model p(x) with no z at all:
// with it, the ELBO's optimum may ignore the latent - posterior collapse.
import * as tf from '../core/tf';
import { checkInt, checkShape } from '../core/errors';
import { Key, uniform } from '../core/random';
import { Bernoulli } from '../distributions';
import { MaskedMlp, Mlp, madeMasks } from '../nn';

export interface BinaryDecoder {
  readonly kind: 'factorized' | 'autoregressive';
  readonly latentDim: number;
  readonly dataDim: number;
  /** log p(x|z) per example: x [batch, dataDim] in {0, 1}, z [batch, latentDim] -> [batch]. */
  logProb(x: tf.Tensor2D, z: tf.Tensor2D): tf.Tensor1D;
  /** One binary draw x ~ p(x|z) per row of z. */
  sample(key: Key, z: tf.Tensor2D): tf.Tensor2D;
  readonly variables: tf.Variable[];
  namedVariables(): [string, tf.Variable][];
  dispose(): void;
}

function bernoulliLogProb(logits: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor1D {
  return new Bernoulli(logits, { eventRank: 1, validate: false }).logProb(x) as tf.Tensor1D;
}

/** p(x|z) = prod_i Bernoulli(x_i; sigmoid(f_i(z))) with f an MLP. */
export class FactorizedDecoder implements BinaryDecoder {
  readonly kind = 'factorized';
  private readonly net: Mlp;

  constructor(readonly latentDim: number, readonly dataDim: number, hidden: number[], key: Key) {
    checkInt('latentDim', latentDim, 1);
    checkInt('dataDim', dataDim, 1);
    this.net = new Mlp({ sizes: [latentDim, ...hidden, dataDim], hidden: 'relu', output: 'linear' }, key, 'factorized-decoder');
  }

  logits(z: tf.Tensor2D): tf.Tensor2D {
    checkShape('z', z.shape, [-1, this.latentDim]);
    return this.net.apply(z);
  }

  logProb(x: tf.Tensor2D, z: tf.Tensor2D): tf.Tensor1D {
    checkShape('x', x.shape, [z.shape[0], this.dataDim]);
    return tf.tidy(() => bernoulliLogProb(this.logits(z), x));
  }

  sample(key: Key, z: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.cast(tf.less(uniform(key, [z.shape[0], this.dataDim]), tf.sigmoid(this.logits(z))), 'float32') as tf.Tensor2D);
  }

  get variables(): tf.Variable[] { return this.net.variables; }
  namedVariables(): [string, tf.Variable][] { return this.net.namedVariables(); }
  dispose(): void { this.net.dispose(); }
}

/** p(x|z) = prod_i Bernoulli(x_i; sigmoid(f_i(x_<i, z))): pixel i sees the pixels before it and z. */
export class AutoregressiveDecoder implements BinaryDecoder {
  readonly kind = 'autoregressive';
  private readonly net: MaskedMlp;

  /** z feeds the first `latentLayers` layers (default: every layer, including the output logits). */
  constructor(readonly latentDim: number, readonly dataDim: number, hidden: number[], key: Key, latentLayers = hidden.length + 1) {
    checkInt('latentDim', latentDim, 1);
    const direct = Array.from({ length: dataDim }, (_, i) => Array.from({ length: dataDim }, (_, k) => (k > i ? 1 : 0)));
    this.net = new MaskedMlp(madeMasks(dataDim, hidden, 1), key, latentDim, 'autoregressive-decoder', latentLayers, direct);
  }

  /** All pixel logits in one pass (teacher forcing): [batch, dataDim]. */
  logits(x: tf.Tensor2D, z: tf.Tensor2D): tf.Tensor2D {
    checkShape('z', z.shape, [x.shape[0], this.latentDim]);
    return this.net.apply(x, z);
  }

  logProb(x: tf.Tensor2D, z: tf.Tensor2D): tf.Tensor1D {
    checkShape('x', x.shape, [z.shape[0], this.dataDim]);
    return tf.tidy(() => bernoulliLogProb(this.logits(x, z), x));
  }

  /** Ancestral sampling: pass i fixes pixel i, which only depends on pixels already fixed. */
  sample(key: Key, z: tf.Tensor2D): tf.Tensor2D {
    checkShape('z', z.shape, [-1, this.latentDim]);
    const n = z.shape[0];
    const u = key.uniforms(n * this.dataDim);
    const x = new Float32Array(n * this.dataDim);
    for (let i = 0; i < this.dataDim; i++) {
      const p = tf.tidy(() => tf.sigmoid(tf.slice(this.logits(tf.tensor2d(x, [n, this.dataDim]), z), [0, i], [n, 1])).dataSync());
      for (let b = 0; b < n; b++) x[b * this.dataDim + i] = u[b * this.dataDim + i] < p[b] ? 1 : 0;
    }
    return tf.tensor2d(x, [n, this.dataDim]);
  }

  get variables(): tf.Variable[] { return this.net.variables; }
  namedVariables(): [string, tf.Variable][] { return this.net.namedVariables(); }
  dispose(): void { this.net.dispose(); }
}
