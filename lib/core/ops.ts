// Small tensor helpers that tfjs lacks.
import * as tf from './tf';

/** Identity in the forward pass, zero gradient in the backward pass. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const stopGradient = tf.customGrad(((x: tf.Tensor) => ({
  value: x.clone(),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as any) as (x: tf.Tensor) => tf.Tensor;

/** Sums the last `k` axes (k = 0 returns the input unchanged). */
export function sumLastAxes(x: tf.Tensor, k: number): tf.Tensor {
  if (k === 0) return x;
  const axes = Array.from({ length: k }, (_, i) => x.rank - k + i);
  return tf.sum(x, axes);
}

/**
 * A variable made from a tensor that only it keeps: tf.variable(t) leaves t allocated beside the
 * variable, one leaked tensor per variable created.
 */
export function variableFrom<R extends tf.Rank>(make: () => tf.Tensor<R>, trainable = true, name?: string): tf.Variable<R> {
  return tf.tidy(() => make().variable(trainable, name));
}
