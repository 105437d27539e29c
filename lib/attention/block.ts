// One Transformer layer: self-attention, optionally attention to an encoder's output (a decoder
// layer), and a position-wise feed-forward network, each wrapped in a residual connection and layer
// normalisation. Both wrappings can be switched off, and the normalisation put before the sublayer
// (pre-norm) or after the residual sum (post-norm, the original paper's choice), for ablations.
import * as tf from '../core/tf';
import { ParameterError, checkInt } from '../core/errors';
import { Key } from '../core/random';
import { Mlp } from '../nn/mlp';
import { LayerNorm } from './layer-norm';
import { MultiHeadAttention } from './multi-head';

export type NormPlacement = 'pre' | 'post' | 'none';

export interface BlockConfig {
  width: number;
  heads: number;
  /** Width of the feed-forward network's hidden layer (often 4 × width). */
  hidden: number;
  norm: NormPlacement;
  residual: boolean;
  /** A decoder layer: attends to an encoder's output after its self-attention. */
  cross: boolean;
}

export interface BlockInputs {
  /** Broadcasts to [batch, heads, T, T]: 1 = may look (e.g. causalMask, paddingMask). */
  mask?: tf.Tensor;
  /** The encoder's output [batch, S, width], for a decoder layer. */
  context?: tf.Tensor3D;
  /** Broadcasts to [batch, heads, T, S]: which encoder positions are real. */
  contextMask?: tf.Tensor;
}

export interface BlockOutput {
  output: tf.Tensor3D;
  selfWeights: tf.Tensor4D;
  crossWeights?: tf.Tensor4D;
}

export class TransformerBlock {
  readonly selfAttention: MultiHeadAttention;
  readonly crossAttention?: MultiHeadAttention;
  readonly feedForward: Mlp;
  /** One per sublayer: self-attention, (cross-attention,) feed-forward. */
  readonly norms: LayerNorm[];

  constructor(readonly config: BlockConfig, key: Key, readonly name = 'block') {
    if (!['pre', 'post', 'none'].includes(config.norm)) throw new ParameterError(`norm '${config.norm}' is not pre, post or none`, 'pick one of those');
    checkInt('hidden', config.hidden, 1);
    const [ks, kc, kf] = key.split(3);
    this.selfAttention = new MultiHeadAttention(config.width, config.heads, ks, `${name}/self`);
    if (config.cross) this.crossAttention = new MultiHeadAttention(config.width, config.heads, kc, `${name}/cross`);
    this.feedForward = new Mlp({ sizes: [config.width, config.hidden, config.width], hidden: 'relu', output: 'linear' }, kf, `${name}/ff`);
    const sublayers = config.cross ? 3 : 2;
    this.norms = config.norm === 'none' ? [] : Array.from({ length: sublayers }, (_, i) => new LayerNorm(config.width, `${name}/norm${i}`));
  }

  /** x → x + f(norm(x)) (pre), norm(x + f(x)) (post), x + f(x) (none); without the residual term when it is off. */
  private sublayer(x: tf.Tensor3D, i: number, f: (h: tf.Tensor3D) => tf.Tensor3D): tf.Tensor3D {
    const { norm, residual } = this.config;
    const add = (h: tf.Tensor3D) => (residual ? (tf.add(x, h) as tf.Tensor3D) : h);
    if (norm === 'pre') return add(f(this.norms[i].apply(x) as tf.Tensor3D));
    if (norm === 'post') return this.norms[i].apply(add(f(x))) as tf.Tensor3D;
    return add(f(x));
  }

  private positionWise(x: tf.Tensor3D): tf.Tensor3D {
    const [b, t, w] = x.shape;
    return tf.reshape(this.feedForward.apply(tf.reshape(x, [b * t, w]) as tf.Tensor2D), [b, t, w]) as tf.Tensor3D;
  }

  /** x [batch, T, width] → the same shape, with every attention's weights. */
  apply(x: tf.Tensor3D, inputs: BlockInputs = {}): BlockOutput {
    if (this.crossAttention && !inputs.context) throw new ParameterError(`${this.name} is a decoder layer and needs the encoder's output`, 'pass { context } from the encoder');
    return tf.tidy(() => {
      let selfWeights!: tf.Tensor4D;
      let crossWeights: tf.Tensor4D | undefined;
      let h = this.sublayer(x, 0, (u) => {
        const a = this.selfAttention.apply(u, u, inputs.mask);
        selfWeights = a.weights;
        return a.output;
      });
      if (this.crossAttention) {
        h = this.sublayer(h, 1, (u) => {
          const a = this.crossAttention!.apply(u, inputs.context!, inputs.contextMask);
          crossWeights = a.weights;
          return a.output;
        });
      }
      const output = this.sublayer(h, this.crossAttention ? 2 : 1, (u) => this.positionWise(u));
      return crossWeights ? { output, selfWeights, crossWeights } : { output, selfWeights };
    });
  }

  get variables(): tf.Variable[] {
    return [...this.selfAttention.variables, ...(this.crossAttention?.variables ?? []), ...this.feedForward.variables, ...this.norms.flatMap((n) => n.variables)];
  }

  namedVariables(): [string, tf.Variable][] {
    return [...this.selfAttention.namedVariables(), ...(this.crossAttention?.namedVariables() ?? []), ...this.feedForward.namedVariables(), ...this.norms.flatMap((n) => n.namedVariables())];
  }

  dispose(): void {
    this.selfAttention.dispose();
    this.crossAttention?.dispose();
    this.feedForward.dispose();
    this.norms.forEach((n) => n.dispose());
  }
}
