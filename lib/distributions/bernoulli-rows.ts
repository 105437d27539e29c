// The Bernoulli log-likelihood of 0/1 data x under logits l, summed over each row, as one taped
// operation: sum_j x_ij l_ij - softplus(l_ij), with gradient dy_i (x_ij - sigmoid(l_ij)) for the
// logits and dy_i l_ij for x (asked for only where x is on a path being differentiated). It is the
// reconstruction term of every binary-image VAE and sigmoid belief net, a pass over the decoder's
// whole output; with tfjs operations the two passes are about twelve kernels. On the wasm backend
// they are one kernel each of ours (heap-wat.ts's bernoulliFuncs); elsewhere, or with the engine
// off, the plain twin runs. softplus and sigmoid are our float32 polynomials and the row sums run
// in four lanes, so values differ from the plain twin in the last places (tested against it).
import * as tf from '../core/tf';
import { checkShape } from '../core/errors';
import { lazyGradientOp } from '../core/ops';
import { heapKernels, heapOffset } from '../engine/heap-kernels';
import { countOurCall } from '../engine/wasm-kernels';

/** sum_j x_ij l_ij - softplus(l_ij) for x and logits of the same shape [rows, width]: [rows]. */
export function bernoulliRowLogProb(x: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor1D {
  checkShape('the data', x.shape, logits.shape, 'pass data and logits of the same shape [rows, width]');
  const kernels = heapKernels();
  if (!kernels || x.dtype !== 'float32' || logits.dtype !== 'float32' || x.size === 0) return bernoulliRowLogProbPlain(x, logits);
  const { backend } = kernels;
  const [rows, width] = x.shape;
  const at = (t: tf.TensorInfo) => heapOffset(backend, t);
  const made = <T extends tf.Tensor>(info: tf.TensorInfo) => tf.engine().makeTensorFromTensorInfo(info) as T;
  return lazyGradientOp({ x, logits }, (save) => {
    const out = backend.makeOutput([rows], 'float32');
    kernels.bernoulliForward(at(x), at(logits), at(out), rows, width);
    countOurCall('bernoulliForward');
    save([x, logits]);
    return made<tf.Tensor1D>(out);
  }, (dy, [xSaved, logitsSaved]) => ({
    logits: () => {
      const dl = backend.makeOutput([rows, width], 'float32');
      kernels.bernoulliBackward(at(dy), at(xSaved), at(logitsSaved), at(dl), rows, width);
      countOurCall('bernoulliBackward');
      return made<tf.Tensor2D>(dl);
    },
    x: () => tf.mul(tf.reshape(dy, [rows, 1]), logitsSaved),
  }));
}

/** The same sums with tfjs operations and autodiff: the reference the tests compare against. */
export function bernoulliRowLogProbPlain(x: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sum(tf.sub(tf.mul(x, logits), tf.softplus(logits)), 1) as tf.Tensor1D);
}
