// One gated recurrent unit layer (Cho et al. 2014), the recurrent cell the attention lecture's
// baseline and the sequence models share: h' = (1 - z) * n + z * h, with the update gate z, the reset
// gate r and the candidate n computed from the input and the previous state.
import * as tf from '../core/tf';
import { checkInt } from '../core/errors';
import { Key } from '../core/random';
import { Dense } from './dense';
import { gruGates } from './gru-gates';

/** One gated recurrent unit layer: h' = (1 − z) ⊙ n + z ⊙ h. */
export class GruCell {
  /** Input → update, reset and candidate pre-activations, [in, 3 × width]. */
  readonly input: Dense;
  /** State → the same three, [width, 3 × width]. */
  readonly recurrent: Dense;

  constructor(readonly inputSize: number, readonly width: number, key: Key, readonly name = 'gru') {
    checkInt('width', width, 1);
    const [ki, kr] = key.split(2);
    this.input = new Dense(inputSize, 3 * width, 'linear', ki, `${name}/input`);
    this.recurrent = new Dense(width, 3 * width, 'linear', kr, `${name}/recurrent`);
  }

  /** x [batch, in], h [batch, width] → the next state. */
  step(x: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.advance(this.input.apply(x), h));
  }

  /** The next state from the input's projection gx = x Wx + bx [batch, 3 width] and h. */
  advance(gx: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D {
    return gruGates(gx, this.recurrent.apply(h), h);
  }

  /**
   * Runs over x [batch, T, in] from h0; where keep[b, t] = 0 (padding) the state is carried over
   * unchanged. Returns every state [batch, T, width] and the last.
   */
  run(x: tf.Tensor3D, h0: tf.Tensor2D, keep?: tf.Tensor2D): { states: tf.Tensor3D; last: tf.Tensor2D } {
    return tf.tidy(() => {
      const [b, t] = x.shape;
      // the input's projections of all steps in one product; only the state's must wait for the last step
      const projected = tf.reshape(this.input.apply(tf.reshape(x, [b * t, this.inputSize]) as tf.Tensor2D), [b, t, 3 * this.width]);
      const steps = tf.unstack(projected, 1) as tf.Tensor2D[];
      const mask = keep ? (tf.unstack(tf.reshape(keep, [b, t, 1]), 1) as tf.Tensor2D[]) : [];
      const states: tf.Tensor2D[] = [];
      let h = h0;
      steps.forEach((xt, i) => {
        const next = this.advance(xt, h);
        h = keep ? (tf.add(tf.mul(mask[i], next), tf.mul(tf.sub(1, mask[i]), h)) as tf.Tensor2D) : next;
        states.push(h);
      });
      return { states: tf.stack(states, 1) as tf.Tensor3D, last: h };
    });
  }

  get variables(): tf.Variable[] {
    return [...this.input.variables, ...this.recurrent.variables];
  }

  namedVariables(): [string, tf.Variable][] {
    return [...this.input.namedVariables(), ...this.recurrent.namedVariables()];
  }

  dispose(): void {
    this.input.dispose();
    this.recurrent.dispose();
  }
}
