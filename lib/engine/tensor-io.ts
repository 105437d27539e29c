// Making a float32 tensor from another's values without the extra copies of dataSync and
// tf.tensor. On the wasm backend a tensor's values live in the wasm heap: dataSync copies them
// into a new array, and tf.tensor copies an array in, and each fresh 100 MB array also costs its
// page faults (about 60 ms each for a 5000 x 5000 matrix here). `tensorFrom` hands the caller
// views of the heap instead. On other backends it falls back to dataSync and tf.tensor.
import * as tf from '../core/tf';
import { engineOn } from './switch';

/** The parts of tfjs-backend-wasm's backend that we use (lib/engine/wasm-slice.ts too). */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): tf.TypedArray;
  disposeData(dataId: object): boolean;
}

function wasmBackend(): WasmBackendLike | null {
  return tf.getBackend() === 'wasm' && engineOn() ? (tf.backend() as unknown as WasmBackendLike) : null;
}

/**
 * A new float32 tensor of `shape`, filled in place by `write` (in the wasm heap when the backend is
 * wasm). `write` must not run tfjs operations; its views are valid only during the call.
 * `alsoRead`, if given, is a tensor (or several) whose values `write` receives after `out`, viewed
 * after the output is allocated (an allocation may move the heap).
 */
export function tensorFrom<R extends tf.Rank>(shape: tf.ShapeMap[R], write: (out: Float32Array, ...inputs: Float32Array[]) => void, alsoRead?: tf.Tensor | tf.Tensor[]): tf.Tensor<R> {
  const inputs = alsoRead === undefined ? [] : Array.isArray(alsoRead) ? alsoRead : [alsoRead];
  for (const t of inputs) if (t.dtype !== 'float32') throw new TypeError(`tensorFrom reads float32 tensors, got ${t.dtype}`);
  const backend = wasmBackend();
  if (!backend) {
    const out = new Float32Array(shape.reduce((p, s) => p * s, 1));
    write(out, ...inputs.map((t) => t.dataSync() as Float32Array));
    return tf.tensor(out, shape, 'float32') as tf.Tensor<R>;
  }
  const info = backend.makeOutput(shape, 'float32');
  try {
    write(backend.typedArrayFromHeap(info) as Float32Array, ...inputs.map((t) => backend.typedArrayFromHeap(t) as Float32Array));
  } catch (e) {
    backend.disposeData(info.dataId);
    throw e;
  }
  return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor<R>;
}

/**
 * Calls `read` with the values of float32 tensors (views of the wasm heap there, dataSync copies on
 * other backends), valid only during the call; `read` must not run tfjs operations.
 */
export function readValues(tensors: tf.Tensor[], read: (...values: Float32Array[]) => void): void {
  for (const t of tensors) if (t.dtype !== 'float32') throw new TypeError(`readValues reads float32 tensors, got ${t.dtype}`);
  const backend = wasmBackend();
  read(...tensors.map((t) => (backend ? backend.typedArrayFromHeap(t) : t.dataSync()) as Float32Array));
}
