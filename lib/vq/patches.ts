// Overlapping windows of an image, cut out by index: the patch-wise encoder's stand-in for a strided
// convolution. Window (i, j) of a grid g on a side-s image is the square of side `window` centred on
// the cell of side s/g at row i, column j; pixels outside the image read as 0. Only data pass
// through it, so it needs no gradient (tfjs's wasm backend has no kernel for a convolution's filter
// gradient, Conv2DBackpropFilter, which is why the encoders are dense layers on these windows).
import * as tf from '../core/tf';
import { ShapeError, checkInt, checkShape } from '../core/errors';

export interface PatchGrid {
  /** Side of the square image in pixels. */
  side: number;
  /** Cells per side; must divide `side`. */
  grid: number;
  /** Side of each window in pixels, at least the cell's side; the extra is split around the cell. */
  window: number;
}

/** Checks a grid and returns the cell side. */
export function checkPatchGrid(p: PatchGrid): number {
  checkInt('side', p.side, 1);
  checkInt('grid', p.grid, 1);
  checkInt('window', p.window, 1);
  if (p.side % p.grid !== 0) {
    throw new ShapeError(`a grid of ${p.grid} cells does not divide an image of side ${p.side}`, `pick a grid that divides ${p.side} (for 28: 1, 2, 4, 7, 14 or 28)`);
  }
  const cell = p.side / p.grid;
  if (p.window < cell || (p.window - cell) % 2 !== 0) {
    throw new ShapeError(`a window of ${p.window} pixels does not centre on cells of ${cell}`, `pick a window of ${cell}, ${cell + 2}, ${cell + 4}, ...`);
  }
  return cell;
}

/**
 * For every cell (row-major) and every window pixel (row-major), the flat index of the image pixel
 * it reads, or side*side for a pixel outside the image (the padding zero).
 */
export function patchIndices(p: PatchGrid): Int32Array {
  const cell = checkPatchGrid(p);
  const margin = (p.window - cell) / 2;
  const out = new Int32Array(p.grid * p.grid * p.window * p.window);
  let n = 0;
  for (let gi = 0; gi < p.grid; gi++) {
    for (let gj = 0; gj < p.grid; gj++) {
      for (let wi = 0; wi < p.window; wi++) {
        for (let wj = 0; wj < p.window; wj++) {
          const r = gi * cell - margin + wi;
          const c = gj * cell - margin + wj;
          out[n++] = r >= 0 && r < p.side && c >= 0 && c < p.side ? r * p.side + c : p.side * p.side;
        }
      }
    }
  }
  return out;
}

/**
 * Images [batch, side*side] -> windows [batch * grid^2, window^2], the cells of an image in a row.
 * `indices` (from patchIndices) saves rebuilding them on every call.
 */
export function extractPatches(x: tf.Tensor2D, p: PatchGrid, indices?: tf.Tensor1D): tf.Tensor2D {
  checkShape('images', x.shape, [-1, p.side * p.side]);
  return tf.tidy(() => {
    const padded = tf.concat([x, tf.zeros([x.shape[0], 1])], 1);
    const cut = indices ?? tf.tensor1d(patchIndices(p), 'int32');
    return tf.reshape(tf.gather(padded, cut, 1), [-1, p.window * p.window]) as tf.Tensor2D;
  });
}
