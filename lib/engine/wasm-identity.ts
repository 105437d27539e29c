// Identity, and Cast to a tensor's own dtype, without copying on the wasm backend. tfjs's engine
// clones every tensor it saves for a backward pass (Engine.clone runs the Identity kernel), and its
// gradients cast operands to float32 that already are (Multiply's, Relu's). The wasm backend's
// Identity and Cast copy the values each time: a step of the MADE VAE copied each masked weight
// matrix twice. Tensors are immutable, so the output can share the input's memory under one more
// reference, as tfjs's CPU backend and the wasm backend's own Reshape do. The wasm Cast to bool
// also wrapped values around a byte (-2.25 became 254, not true): ours tests for non-zero, as tfjs's
// CPU backend does.
import * as tf from '../core/tf';
import { replaceWasmKernel } from './wasm-kernels';
import { WasmBackendLike } from './tensor-io';

interface WasmBackend extends WasmBackendLike {
  incRef(dataId: object): void;
}

/** The input under a new reference: same memory, no copy. */
function share(x: tf.TensorInfo, backend: WasmBackend): tf.TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/**
 * Replaces the wasm Identity kernel, and Cast where the dtype stays, by shared memory, and the Cast to
 * bool by a test for non-zero (strings keep the original). Idempotent.
 */
export function installSharedIdentity(): void {
  replaceWasmKernel(tf.Identity, (original) => (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    return x.dtype === 'string' ? original(args) : share(x, args.backend as unknown as WasmBackend);
  });
  replaceWasmKernel(tf.Cast, (original) => (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    const { dtype } = args.attrs as unknown as { dtype: tf.DataType };
    const backend = args.backend as unknown as WasmBackend;
    if (x.dtype === 'string') return original(args);
    if (dtype === x.dtype) return share(x, backend);
    if (dtype !== 'bool') return original(args);
    const out = backend.makeOutput(x.shape, 'bool');
    // views after makeOutput: allocating may grow the heap and detach earlier views
    const from = backend.typedArrayFromHeap(x);
    const to = backend.typedArrayFromHeap(out);
    for (let i = 0; i < from.length; i++) to[i] = from[i] !== 0 ? 1 : 0;
    return out;
  });
}
