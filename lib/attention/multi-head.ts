// Multi-head attention: the width is split into `heads` subspaces, each with its own learned query,
// key and value projections, attending separately; the heads' outputs are joined and projected back.
// Every projection is a Dense layer, so its products run on the project's fast path.
import * as tf from '../core/tf';
import { ParameterError, ShapeError, checkInt, fmtShape } from '../core/errors';
import { Key } from '../core/random';
import { Dense } from '../nn/dense';
import { scaledDotProductAttention } from './attention';

export class MultiHeadAttention {
  readonly query: Dense;
  readonly key: Dense;
  readonly value: Dense;
  readonly out: Dense;

  constructor(readonly width: number, readonly heads: number, key: Key, readonly name = 'attention') {
    checkInt('width', width, 1);
    checkInt('heads', heads, 1);
    if (width % heads !== 0) {
      throw new ParameterError(`${heads} heads do not divide the width ${width}`, 'choose a number of heads that divides the width (each head gets width / heads features)');
    }
    const [kq, kk, kv, ko] = key.split(4);
    this.query = new Dense(width, width, 'linear', kq, `${name}/query`);
    this.key = new Dense(width, width, 'linear', kk, `${name}/key`);
    this.value = new Dense(width, width, 'linear', kv, `${name}/value`);
    this.out = new Dense(width, width, 'linear', ko, `${name}/out`);
  }

  /** [batch, T, width] through `layer`, split into heads: [batch, heads, T, width / heads]. */
  private project(layer: Dense, x: tf.Tensor3D): tf.Tensor4D {
    const [b, t] = x.shape;
    const flat = layer.apply(tf.reshape(x, [b * t, this.width]) as tf.Tensor2D);
    return tf.transpose(tf.reshape(flat, [b, t, this.heads, this.width / this.heads]), [0, 2, 1, 3]) as tf.Tensor4D;
  }

  private check(name: string, x: tf.Tensor): void {
    if (x.rank !== 3 || x.shape[2] !== this.width) {
      throw new ShapeError(`${this.name}: ${name} has shape ${fmtShape(x.shape)}, expected [batch, T, ${this.width}]`, `pass sequences of ${this.width}-wide vectors`);
    }
  }

  /**
   * Queries from x [batch, Tq, width] attend to keys and values from context [batch, Tk, width]
   * (context = x for self-attention). mask broadcasts to [batch, heads, Tq, Tk] (1 = may look).
   * Returns the output [batch, Tq, width] and the weights [batch, heads, Tq, Tk].
   */
  apply(x: tf.Tensor3D, context: tf.Tensor3D = x, mask?: tf.Tensor): { output: tf.Tensor3D; weights: tf.Tensor4D } {
    this.check('the queries', x);
    this.check('the context', context);
    if (context.shape[0] !== x.shape[0]) throw new ShapeError(`${this.name}: batch ${x.shape[0]} attends to a context of batch ${context.shape[0]}`, 'pass one context per sequence');
    return tf.tidy(() => {
      const [b, t] = x.shape;
      const att = scaledDotProductAttention(this.project(this.query, x), this.project(this.key, context), this.project(this.value, context), mask);
      const joined = tf.reshape(tf.transpose(att.output, [0, 2, 1, 3]), [b * t, this.width]) as tf.Tensor2D;
      return { output: tf.reshape(this.out.apply(joined), [b, t, this.width]) as tf.Tensor3D, weights: att.weights as tf.Tensor4D };
    });
  }

  get layers(): Dense[] {
    return [this.query, this.key, this.value, this.out];
  }

  get variables(): tf.Variable[] {
    return this.layers.flatMap((d) => d.variables);
  }

  namedVariables(): [string, tf.Variable][] {
    return this.layers.flatMap((d) => d.namedVariables());
  }

  dispose(): void {
    this.layers.forEach((d) => d.dispose());
  }
}
