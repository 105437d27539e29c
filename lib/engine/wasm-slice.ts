// A Slice kernel for the wasm backend that reads its input in place.
//
// tfjs-backend-wasm 4.22's Slice begins with backend.readSync(x), which copies the whole input out
// of the wasm heap, however small the slice: taking a 256 x 256 block of a 5000 x 5000 matrix
// copies 100 MB (about 0.1 s here). This kernel views the input in the heap and copies only the
// slice, row run by row run. The values are the same bits; only the copy is gone.
import * as tf from '../core/tf';
import { WasmBackendLike } from './tensor-io';
import { replaceWasmKernel } from './wasm-kernels';
import { copyRun, forEachRow } from './rows';

type Info = tf.TensorInfo;

/** Copies the slice of x (shape, begin, size) into out, one contiguous run of the innermost axis at a time. */
export function copySlice(x: tf.TypedArray, shape: number[], begin: number[], size: number[], out: tf.TypedArray): void {
  const rank = shape.length;
  if (rank === 0 || size.some((s) => s === 0)) return;
  const strides = tf.util.computeStrides(shape);
  const run = size[rank - 1];
  forEachRow(size.slice(0, -1), (index, row) => {
    let from = begin[rank - 1];
    for (let a = 0; a < rank - 1; a++) from += (begin[a] + index[a]) * strides[a];
    copyRun(x, from, out, row * run, run);
  });
}

/** Replaces the wasm Slice kernel by the in-place one (strings keep the original). Idempotent. */
export function installHeapSlice(): void {
  replaceWasmKernel(tf.Slice, (original) => (args) => {
    const x = args.inputs.x as Info;
    if (x.dtype === 'string') return original(args);
    const backend = args.backend as unknown as WasmBackendLike;
    const attrs = args.attrs as unknown as { begin: number | number[]; size?: number | number[] };
    const [begin, size] = tf.slice_util.parseSliceParams(x as unknown as tf.Tensor, attrs.begin, attrs.size);
    const out = backend.makeOutput(size, x.dtype);
    // views after makeOutput: allocating may grow the heap and detach earlier views
    copySlice(backend.typedArrayFromHeap(x), x.shape, begin, size, backend.typedArrayFromHeap(out));
    return out;
  });
}
