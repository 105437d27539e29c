// How sharp images are: the mean squared response of the 4-neighbour discrete Laplacian (the
// high-frequency energy), per image. A blurred digit has soft edges and a low value; a crisp one, high.
import * as tf from '../core/tf';
import { checkShape, checkInt } from '../core/errors';

/** Mean over interior pixels of (4x - up - down - left - right)^2 of each image [batch, side^2]: [batch]. */
export function laplacianEnergy(x: tf.Tensor2D, side: number): Float32Array {
  checkInt('side', side, 3);
  checkShape('images', x.shape, [-1, side * side]);
  return tf.tidy(() => {
    const img = tf.reshape(x, [-1, side, side]);
    const inner = (di: number, dj: number) => tf.slice(img, [0, 1 + di, 1 + dj], [-1, side - 2, side - 2]);
    const lap = tf.sub(tf.mul(4, inner(0, 0)), tf.addN([inner(-1, 0), inner(1, 0), inner(0, -1), inner(0, 1)]));
    return tf.mean(tf.square(lap), [1, 2]).dataSync() as Float32Array;
  });
}
