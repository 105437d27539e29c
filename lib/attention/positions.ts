// Position encodings: attention itself ignores order, so each position's vector gets a signature
// added. Sinusoidal (Vaswani et al. 2017): feature 2i is sin(t / 10000^(2i/d)), feature 2i+1 the
// cosine; learned: one trained vector per position, up to a fixed length.
import * as tf from '../core/tf';
import { ShapeError, checkInt } from '../core/errors';
import { Key, normal } from '../core/random';
import { variableFrom } from '../core/ops';
import { uniqueVariableName } from '../nn/dense';

/** [length, width] sinusoidal encodings. */
export function sinusoidalPositions(length: number, width: number): tf.Tensor2D {
  checkInt('length', length, 1);
  checkInt('width', width, 1);
  const values = new Float32Array(length * width);
  for (let t = 0; t < length; t++) {
    for (let j = 0; j < width; j++) {
      const angle = t / Math.pow(10000, (2 * Math.floor(j / 2)) / width);
      values[t * width + j] = j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return tf.tensor2d(values, [length, width]);
}

/** A learned table of position vectors for sequences of up to `maxLength`. */
export class LearnedPositions {
  readonly table: tf.Variable<tf.Rank.R2>;

  constructor(readonly maxLength: number, readonly width: number, key: Key, readonly name = 'positions') {
    checkInt('maxLength', maxLength, 1);
    checkInt('width', width, 1);
    this.table = variableFrom(() => tf.mul(normal(key, [maxLength, width]), 0.02) as tf.Tensor2D, true, uniqueVariableName(`${name}/table`));
  }

  /** [length, width]: the first `length` rows. */
  apply(length: number): tf.Tensor2D {
    if (!Number.isInteger(length) || length < 1 || length > this.maxLength) {
      throw new ShapeError(`a sequence of length ${length} is longer than the position table (${this.maxLength})`, `build the table with maxLength >= ${length}, or cut the sequence`);
    }
    return tf.slice(this.table, [0, 0], [length, this.width]);
  }

  get variables(): tf.Variable[] {
    return [this.table];
  }

  dispose(): void {
    this.table.dispose();
  }
}
