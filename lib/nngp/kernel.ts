// The record an infinite-width layer transforms, as in neural-tangents' stax: the covariance of
// the pre-activations between two sets of inputs and their variances.
import * as tf from '../core/tf';
import { ParameterError, ShapeError, fmtShape } from '../core/errors';

export interface Kernel {
  /** Covariance between inputs of set 1 and set 2: [n1, n2]. */
  nngp: tf.Tensor2D;
  /** Variances of set 1: [n1]. */
  var1: tf.Tensor1D;
  /** Variances of set 2: [n2]. */
  var2: tf.Tensor1D;
}

/** The input kernel x1 . x2 / d (the scaling of a first dense layer with variance sigma_w^2 / d). */
export function inputKernel(x1: tf.Tensor2D, x2: tf.Tensor2D = x1): Kernel {
  if (x1.rank !== 2 || x2.rank !== 2 || x1.shape[1] !== x2.shape[1]) {
    throw new ShapeError(`inputs of shapes ${fmtShape(x1.shape)} and ${fmtShape(x2.shape)}`, 'pass two [n, d] tensors with the same d');
  }
  const finite = tf.tidy(() => tf.all(tf.isFinite(tf.concat([x1.flatten(), x2.flatten()]))).dataSync()[0]);
  if (!finite) throw new ParameterError('the inputs contain NaN or infinite values', 'clean or impute the inputs first');
  return tf.tidy(() => {
    const d = x1.shape[1];
    return {
      nngp: tf.div(tf.matMul(x1, tf.transpose(x2)), d) as tf.Tensor2D,
      var1: tf.div(tf.sum(tf.square(x1), 1), d) as tf.Tensor1D,
      var2: tf.div(tf.sum(tf.square(x2), 1), d) as tf.Tensor1D,
    };
  });
}

export function disposeKernel(k: Kernel): void {
  tf.dispose([k.nngp, k.var1, k.var2]);
}

/** The correlation matrix nngp / sqrt(var1 var2'), clipped to [-1, 1] against rounding. */
export function correlation(k: Kernel): tf.Tensor2D {
  return tf.tidy(() => tf.clipByValue(tf.div(k.nngp, tf.sqrt(tf.outerProduct(k.var1, k.var2))), -1, 1) as tf.Tensor2D);
}
