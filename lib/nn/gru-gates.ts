// The element-wise part of a gated recurrent unit's step as one taped operation. From the two
// projections gx = x Wx + bx and gh = h Wh + bh ([batch, 3 width]: update, reset, candidate) and the
// state h:
//   z = sigmoid(gx_z + gh_z),  r = sigmoid(gx_r + gh_r),  n = tanh(gx_n + r gh_n),
//   h' = (1 - z) n + z h.
// Written with tfjs operations this is about ten kernels forward and twenty-five backward, each a
// dispatch on a few thousand values, and a sequence model runs it at every time step. On the wasm
// backend both passes are one kernel each of ours (heap-wat.ts's gruFuncs), the forward pass
// keeping z, r and n for the backward one. Elsewhere (or with the engine off) the plain twin runs.
// sigmoid and tanh are our float32 polynomials, so values differ from tfjs's kernels in the last
// places (tested against them). The gradient is first order.
import * as tf from '../core/tf';
import { checkShape } from '../core/errors';
import { lazyGradientOp } from '../core/ops';
import { heapKernels, heapOffset } from '../engine/heap-kernels';
import { countOurCall } from '../engine/wasm-kernels';

/** h' from the projections gx, gh [batch, 3 width] and the state h [batch, width]. */
export function gruGates(gx: tf.Tensor2D, gh: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D {
  const [rows, width] = h.shape;
  checkShape('the input projection', gx.shape, [rows, 3 * width]);
  checkShape('the state projection', gh.shape, [rows, 3 * width]);
  const kernels = heapKernels();
  if (!kernels || [gx, gh, h].some((t) => t.dtype !== 'float32')) return gruGatesPlain(gx, gh, h);
  const { backend } = kernels;
  const at = (t: tf.TensorInfo) => heapOffset(backend, t);
  const made = (info: tf.TensorInfo) => tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor2D;
  return lazyGradientOp({ gx, gh, h }, (save) => {
    const out = backend.makeOutput([rows, width], 'float32');
    const gates = backend.makeOutput([rows, 3 * width], 'float32');
    kernels.gruForward(at(gx), at(gh), at(h), at(out), at(gates), rows, width);
    countOurCall('gruForward');
    save([gh, h, made(gates)]); // save keeps a copy; the forward pass's scope disposes this one
    return made(out);
  }, (dy, [ghSaved, hSaved, gates]) => {
    // one kernel gives all three gradients; tfjs asks for each input's in turn
    const [dgx, dgh] = [backend.makeOutput([rows, 3 * width], 'float32'), backend.makeOutput([rows, 3 * width], 'float32')];
    const dh = backend.makeOutput([rows, width], 'float32');
    kernels.gruBackward(at(dy), at(gates), at(ghSaved), at(hSaved), at(dgx), at(dgh), at(dh), rows, width);
    countOurCall('gruBackward');
    const grads = { gx: made(dgx), gh: made(dgh), h: made(dh) };
    return { gx: () => grads.gx, gh: () => grads.gh, h: () => grads.h };
  });
}

/** The same step with tfjs operations and autodiff: the reference the tests compare against. */
export function gruGatesPlain(gx: tf.Tensor2D, gh: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const [xz, xr, xn] = tf.split(gx, 3, 1);
    const [hz, hr, hn] = tf.split(gh, 3, 1);
    const z = tf.sigmoid(tf.add(xz, hz));
    const r = tf.sigmoid(tf.add(xr, hr));
    const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
    return tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h)) as tf.Tensor2D;
  });
}
