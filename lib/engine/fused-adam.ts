// The fused Adam step: one SIMD pass of our module (heap-wat.ts) per variable over the gradient,
// weights and both moments where tfjs keeps them in the wasm heap, instead of tfjs's 14 or so
// element-wise kernels. The same float32 operations in tf.train.adam's order, so the same bits.
import * as tf from '../core/tf';
import type { AdamStep } from '../core/adam';
import { heapKernels, heapOffset } from './heap-kernels';

/** The new weights of `variable` after one Adam step (the moments are updated in place), or null off wasm. */
export function fusedAdamUpdate(variable: tf.Variable, gradient: tf.Tensor, firstMoment: tf.Tensor, secondMoment: tf.Tensor, step: AdamStep): tf.Tensor | null {
  const heap = heapKernels();
  if (!heap) return null;
  const { backend, adam } = heap;
  const out = backend.makeOutput(variable.shape, 'float32');
  // byte offsets in the heap, taken after the allocation (which may grow the heap; offsets stay valid)
  const at = (t: tf.TensorInfo) => heapOffset(backend, t);
  const { beta1, beta2 } = step;
  adam(at(variable), at(gradient), at(firstMoment), at(secondMoment), at(out), variable.size,
    beta1, 1 - beta1, beta2, 1 - beta2, step.correction1, step.correction2, step.epsilon, -step.learningRate);
  return tf.engine().makeTensorFromTensorInfo(out) as tf.Tensor;
}
