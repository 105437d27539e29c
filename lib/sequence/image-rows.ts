// Images read as sequences: image i becomes the sequence of its pixel rows, x_t = row t, so a
// 28×28 digit is 28 steps of 28 pixels and a sequence model scores it top to bottom.
import * as tf from '../core/tf';
import { ShapeError, checkInt } from '../core/errors';
import { ImageSet } from '../data/images';
import { pixelRange } from '../data/batches';

/** Images start..start+count of the set as [count, rows, cols], pixel bytes scaled to [0, 1]. */
export function imagesAsRows(set: ImageSet, start = 0, count = set.n - start): tf.Tensor3D {
  checkInt('start', start, 0);
  checkInt('count', count, 1);
  if (start + count > set.n) {
    throw new ShapeError(`images ${start}..${start + count - 1} run past the set's ${set.n}`, `pass start + count <= ${set.n}`);
  }
  return tf.tidy(() => tf.reshape(pixelRange(set, start, count), [count, set.rows, set.cols]) as tf.Tensor3D);
}
