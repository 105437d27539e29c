// Unpack and SplitV kernels for the wasm backend: each piece is a slice of the input, copied in place.
//
// tfjs-backend-wasm 4.22 cuts a tensor into pieces through its own Slice kernel, which begins by
// copying the whole input out of the wasm heap (see wasm-slice.ts) once per piece: unstacking a
// [500, 28, 64] tensor along its second axis copied the input 28 times (about 30 ms here), and the
// sequence models' gate splits and time-step unstacking took a sixth of lecture 9. These kernels
// copy each piece with copySlice, straight from the heap. The values are the same bits.
import * as tf from '../core/tf';
import { WasmBackendLike } from './tensor-io';
import { copySlice } from './wasm-slice';
import { countOurCall, replaceWasmKernel } from './wasm-kernels';

type Info = tf.TensorInfo;

/** The pieces of x along `axis`, piece i of `sizes[i]` entries there, each copied from the heap. */
function cutPieces(backend: WasmBackendLike, x: Info, axis: number, sizes: number[], keepAxis: boolean): Info[] {
  const outs: Info[] = [];
  const begin = x.shape.map(() => 0);
  for (const s of sizes) {
    const size = x.shape.map((d, a) => (a === axis ? s : d));
    const out = backend.makeOutput(size, x.dtype);
    // views after makeOutput: allocating may grow the heap and detach earlier views
    copySlice(backend.typedArrayFromHeap(x), x.shape, begin, size, backend.typedArrayFromHeap(out));
    outs.push(keepAxis ? out : { ...out, shape: size.filter((_, a) => a !== axis) });
    begin[axis] += s;
  }
  return outs;
}

/** The dtypes whose heap views copySlice handles; others keep tfjs's kernels. */
const handled = (x: Info) => x.dtype === 'float32' || x.dtype === 'int32';

/** Replaces the wasm Unpack (tf.unstack) and SplitV (tf.split) kernels by in-place copies. Idempotent. */
export function installHeapPieces(): void {
  replaceWasmKernel(tf.Unpack, (original) => (args) => {
    const x = args.inputs.value as Info;
    if (!handled(x) || x.shape.length < 2) return original(args);
    const axis = tf.util.parseAxisParam((args.attrs as unknown as { axis: number }).axis, x.shape)[0];
    countOurCall(tf.Unpack);
    return cutPieces(args.backend as unknown as WasmBackendLike, x, axis, new Array<number>(x.shape[axis]).fill(1), false) as unknown as Info;
  });
  replaceWasmKernel(tf.SplitV, (original) => (args) => {
    const x = args.inputs.x as Info;
    if (!handled(x)) return original(args);
    const attrs = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
    const axis = tf.util.parseAxisParam(attrs.axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as unknown as tf.Tensor, attrs.numOrSizeSplits, axis);
    countOurCall(tf.SplitV);
    return cutPieces(args.backend as unknown as WasmBackendLike, x, axis, sizes, true) as unknown as Info;
  });
}
