// Reading and writing a float32 tensor's values without the extra copies of dataSync and
// tf.tensor. On the wasm backend a tensor's values live in the wasm heap: dataSync copies them
// into a new array, and tf.tensor copies an array in, and each fresh 100 MB array also costs its
// page faults (about 60 ms each for a 5000 x 5000 matrix here). These helpers hand the caller a
// view of the heap instead. On other backends they fall back to dataSync and tf.tensor.
import * as tf from './tf';

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): tf.TypedArray;
  disposeData(dataId: object): boolean;
}

function wasmBackend(): WasmBackendLike | null {
  return tf.getBackend() === 'wasm' ? (tf.backend() as unknown as WasmBackendLike) : null;
}

/**
 * Calls `read` with the float32 values of `t` (in the wasm heap when the backend is wasm). The
 * view is valid only during the call, which must not run tfjs operations (they may move the heap).
 */
export function withValues<T>(t: tf.Tensor, read: (values: Float32Array) => T): T {
  if (t.dtype !== 'float32') throw new TypeError(`withValues needs a float32 tensor, got ${t.dtype}`);
  const backend = wasmBackend();
  return read(backend ? (backend.typedArrayFromHeap(t) as Float32Array) : (t.dataSync() as Float32Array));
}

/**
 * A new float32 tensor of `shape`, filled in place by `write` (in the wasm heap when the backend is
 * wasm). `write` must not run tfjs operations; its view of the tensor is valid only during the call.
 * `alsoRead`, if given, is a tensor whose values `write` receives as its second argument, viewed
 * after the output is allocated (an allocation may move the heap).
 */
export function tensorFrom<R extends tf.Rank>(shape: tf.ShapeMap[R], write: (out: Float32Array, input?: Float32Array) => void, alsoRead?: tf.Tensor): tf.Tensor<R> {
  const backend = wasmBackend();
  if (!backend) {
    const out = new Float32Array(shape.reduce((p, s) => p * s, 1));
    write(out, alsoRead?.dataSync() as Float32Array | undefined);
    return tf.tensor(out, shape, 'float32') as tf.Tensor<R>;
  }
  if (alsoRead && alsoRead.dtype !== 'float32') throw new TypeError(`tensorFrom reads float32 tensors, got ${alsoRead.dtype}`);
  const info = backend.makeOutput(shape, 'float32');
  try {
    write(backend.typedArrayFromHeap(info) as Float32Array, alsoRead ? (backend.typedArrayFromHeap(alsoRead) as Float32Array) : undefined);
  } catch (e) {
    backend.disposeData(info.dataId);
    throw e;
  }
  return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor<R>;
}
