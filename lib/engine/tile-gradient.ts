// The gradient of tf.tile (and so of tf.broadcastTo, which runs the Tile kernel) as one sum.
// tfjs 4.22 adds up the gradient one slice per repetition: broadcasting a sequence model's [1, 6]
// log standard deviation over 320 rows cost 320 Slice and 320 Add kernels in every backward pass,
// about a third of the step's kernels. A tiled axis of n = reps * size entries is, row-major, reps
// blocks of size: reshaped into [reps, size] it is summed over the first. The values are the same
// sums in another order (tested against the slice-by-slice sum).
import * as tf from '../core/tf';

/** The gradient of tile(x, reps) for x of `shape` from dy of shape shape * reps. */
export function tileGradient(dy: tf.Tensor, shape: number[], reps: number[]): tf.Tensor {
  return tf.tidy(() => {
    const split: number[] = [];
    const summed: number[] = [];
    shape.forEach((size, axis) => {
      if (reps[axis] > 1) {
        summed.push(split.length);
        split.push(reps[axis]);
      }
      split.push(size);
    });
    if (summed.length === 0) return tf.reshape(dy, shape);
    return tf.reshape(tf.sum(tf.reshape(dy, split), summed), shape);
  });
}

/** Registers tileGradient as Tile's gradient, in place of tfjs's (for every backend, as gradients are). */
export function installTileGradient(): void {
  tf.registerGradient({
    kernelName: tf.Tile,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const { reps } = attrs as unknown as { reps: number[] };
      return { x: () => tileGradient(dy as tf.Tensor, x.shape, reps) };
    },
  });
}
