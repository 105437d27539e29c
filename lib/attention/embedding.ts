// Token embeddings: one learned vector per symbol of the vocabulary, looked up as a one-hot product
// (a matrix product on the fast path, whose gradient needs no scatter).
import * as tf from '../core/tf';
import { ShapeError, checkInt, fmtShape } from '../core/errors';
import { Key, normal } from '../core/random';
import { variableFrom } from '../core/ops';
import { uniqueVariableName } from '../nn/dense';
import { LearnedPositions, sinusoidalPositions } from './positions';

export class TokenEmbedding {
  readonly table: tf.Variable<tf.Rank.R2>;

  constructor(readonly vocab: number, readonly width: number, key: Key, readonly name = 'embedding') {
    checkInt('vocab', vocab, 1);
    checkInt('width', width, 1);
    this.table = variableFrom(() => normal(key, [vocab, width]) as tf.Tensor2D, true, uniqueVariableName(`${name}/table`));
  }

  /** tokens [batch, T] (int32, each in 0..vocab−1) → [batch, T, width]. */
  apply(tokens: tf.Tensor2D): tf.Tensor3D {
    checkTokens(tokens, this.vocab);
    const [b, t] = tokens.shape;
    return tf.tidy(() => tf.reshape(tf.matMul(tf.oneHot(tf.reshape(tokens, [b * t]) as tf.Tensor1D, this.vocab), this.table), [b, t, this.width]) as tf.Tensor3D);
  }

  get variables(): tf.Variable[] {
    return [this.table];
  }

  dispose(): void {
    this.table.dispose();
  }
}

/** Refuses anything but a [batch, T] int32 tensor of symbols 0..vocab−1. */
export function checkTokens(tokens: tf.Tensor, vocab: number): void {
  if (tokens.rank !== 2 || tokens.dtype !== 'int32') {
    throw new ShapeError(`tokens must be a [batch, T] int32 tensor, got ${tokens.dtype} ${fmtShape(tokens.shape)}`, 'build them with tf.tensor2d(rows, undefined, "int32")');
  }
  const values = tokens.dataSync();
  for (let i = 0; i < values.length; i++) {
    if (values[i] < 0 || values[i] >= vocab) throw new ShapeError(`token ${values[i]} is outside the vocabulary 0..${vocab - 1}`, 'encode the text with the vocabulary the model was built for');
  }
}

export type PositionKind = 'sinusoidal' | 'learned' | 'none';

/** The position signatures added to embeddings of sequences up to maxLength. */
export class PositionEncoding {
  readonly learned?: LearnedPositions;

  constructor(readonly kind: PositionKind, readonly maxLength: number, readonly width: number, key: Key, name = 'positions') {
    checkInt('maxLength', maxLength, 1);
    if (kind === 'learned') this.learned = new LearnedPositions(maxLength, width, key, name);
  }

  /** x [batch, T, width] with each position's signature added. */
  apply(x: tf.Tensor3D): tf.Tensor3D {
    const length = x.shape[1];
    if (length > this.maxLength) {
      throw new ShapeError(`a sequence of length ${length} is longer than the position table (${this.maxLength})`, `build the model with maxLength >= ${length}, or cut the sequence`);
    }
    if (this.kind === 'none') return tf.clone(x);
    return tf.tidy(() => tf.add(x, this.learned ? this.learned.apply(length) : sinusoidalPositions(length, this.width)) as tf.Tensor3D);
  }

  get variables(): tf.Variable[] {
    return this.learned?.variables ?? [];
  }

  dispose(): void {
    this.learned?.dispose();
  }
}
