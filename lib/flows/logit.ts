// The logit transform of RealNVP's image experiments: data in the unit cube (dequantized pixels) is
// squeezed into [lambda, 1 - lambda] and mapped to the whole real line, where the flow can work.
import * as tf from '../core/tf';
import { ParameterError, checkInt, checkNumber } from '../core/errors';
import { Bijection, checkInput } from './bijection';

/** y = logit(lambda + (1 - 2 lambda) x) for x in [0, 1]^dim; inputs outside [0, 1] are an error. */
export function LogitTransform(dim: number, lambda = 1e-6): Bijection {
  checkInt('dim', dim, 1);
  checkNumber('lambda', lambda, (v) => v > 0 && v < 0.5, 'in (0, 0.5)');
  const logDetOf = (v: tf.Tensor2D) => tf.sum(tf.sub(Math.log(1 - 2 * lambda), tf.add(tf.log(v), tf.log1p(tf.neg(v)))), 1) as tf.Tensor1D;
  const self: Bijection = {
    name: 'LogitTransform', dim, variables: [],
    forward(x) {
      checkInput(self, x);
      const [lo, hi] = tf.tidy(() => [tf.min(x).dataSync()[0], tf.max(x).dataSync()[0]]);
      if (lo < 0 || hi > 1) throw new ParameterError(`LogitTransform input spans [${lo}, ${hi}], outside [0, 1]`, 'dequantize and scale the data into [0, 1] first');
      return tf.tidy(() => {
        const v = tf.add(lambda, tf.mul(1 - 2 * lambda, x)) as tf.Tensor2D;
        return { value: tf.sub(tf.log(v), tf.log1p(tf.neg(v))) as tf.Tensor2D, logDet: logDetOf(v) };
      });
    },
    inverse(y) {
      checkInput(self, y);
      return tf.tidy(() => {
        const v = tf.sigmoid(y) as tf.Tensor2D;
        return { value: tf.div(tf.sub(v, lambda), 1 - 2 * lambda) as tf.Tensor2D, logDet: tf.neg(logDetOf(v)) as tf.Tensor1D };
      });
    },
  };
  return self;
}
