// Layer normalisation of the rows of a matrix as one taped operation: each row shifted to mean 0
// and scaled to variance 1 (plus epsilon), then times a gain and plus a bias, both one row long.
// With tfjs operations (moments, sub, div, sqrt, mul, add) it is about nine kernels forward and
// twenty backward, on every sublayer of a Transformer. On the wasm backend both passes are one
// kernel each of ours (heap-wat.ts's layerNormFuncs), the forward pass keeping the normalised rows
// and each row's 1 / sqrt(v + epsilon) for the backward one, which writes the gradients of the
// input, the gain and the bias together. Elsewhere, or with the engine off, the plain twin runs.
// Sums run in four lanes, so values differ from the plain twin in the last places (tested).
// lib/attention's LayerNorm runs every Transformer's layer norms through it.
import * as tf from '../core/tf';
import { checkShape } from '../core/errors';
import { lazyGradientOp } from '../core/ops';
import { heapKernels, heapOffset } from '../engine/heap-kernels';
import { countOurCall } from '../engine/wasm-kernels';

/** x [rows, width] normalised per row, times gain [width], plus bias [width]. */
export function layerNormRows(x: tf.Tensor2D, gain: tf.Tensor1D, bias: tf.Tensor1D, epsilon: number): tf.Tensor2D {
  const [rows, width] = x.shape;
  checkShape('the gain', gain.shape, [width], 'pass a gain as long as a row');
  checkShape('the bias', bias.shape, [width], 'pass a bias as long as a row');
  const kernels = heapKernels();
  if (!kernels || [x, gain, bias].some((t) => t.dtype !== 'float32') || x.size === 0) return layerNormRowsPlain(x, gain, bias, epsilon);
  const { backend } = kernels;
  const at = (t: tf.TensorInfo) => heapOffset(backend, t);
  const made = <T extends tf.Tensor>(info: tf.TensorInfo) => tf.engine().makeTensorFromTensorInfo(info) as T;
  return lazyGradientOp({ x, gain, bias }, (save) => {
    const out = backend.makeOutput([rows, width], 'float32');
    const normed = backend.makeOutput([rows, width], 'float32');
    const rstd = backend.makeOutput([rows], 'float32');
    kernels.layerNormForward(at(x), at(gain), at(bias), at(out), at(normed), at(rstd), rows, width, epsilon);
    countOurCall('layerNormForward');
    save([made(normed), made(rstd), gain]); // save keeps copies; the forward pass's scope disposes these
    return made<tf.Tensor2D>(out);
  }, (dy, [normed, rstd, gainSaved]) => {
    // one kernel gives all three gradients; tfjs asks for each input's in turn
    const dx = backend.makeOutput([rows, width], 'float32');
    const [dgain, dbias] = [backend.makeOutput([width], 'float32'), backend.makeOutput([width], 'float32')];
    kernels.layerNormBackward(at(dy), at(normed), at(rstd), at(gainSaved), at(dx), at(dgain), at(dbias), rows, width);
    countOurCall('layerNormBackward');
    const grads = { x: made<tf.Tensor2D>(dx), gain: made<tf.Tensor1D>(dgain), bias: made<tf.Tensor1D>(dbias) };
    return { x: () => grads.x, gain: () => grads.gain, bias: () => grads.bias };
  });
}

/** The same normalisation with tfjs operations and autodiff: the reference the tests compare against. */
export function layerNormRowsPlain(x: tf.Tensor2D, gain: tf.Tensor1D, bias: tf.Tensor1D, epsilon: number): tf.Tensor2D {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    const normalised = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon)));
    return tf.add(tf.mul(normalised, gain), bias) as tf.Tensor2D;
  });
}
