// Less, LessEqual, Greater, GreaterEqual, Equal and NotEqual on the wasm backend by plain loops over
// the heap, for the broadcasts of wasm-binary.ts (same shapes, a scalar, a row, a column).
//
// tfjs-backend-wasm 4.22's comparisons compute every value's broadcast position from its
// coordinates, about 11 ns per value for Less on [5000, 784] (node dist/bench/moves.js with
// VI_ENGINE=stock): drawing Bernoulli samples (uniform < p) was a twentieth of lecture 2, and the VQ
// lectures' code matches (codes = k) took 8 ms per call. These loops make
// one IEEE comparison per value, as tfjs's do (NaN compares false, and unequal), so the booleans
// are the same. Other dtypes and broadcasts run tfjs's kernel.
import * as tf from '../core/tf';
import { WasmBackendLike } from './tensor-io';
import { binaryLayout } from './wasm-binary';
import { countOurCall, replaceWasmKernel } from './wasm-kernels';

type Values = Float32Array | Int32Array;
/** out[i] = full[i] op other[r rowStride + c colStride], i = r cols + c; `fullFirst`: full is the left operand. */
type Loop = (out: Uint8Array, full: Values, other: Values, rows: number, cols: number, rowStride: number, colStride: number, fullFirst: boolean) => void;

// One loop per comparison keeps each loop's comparison fixed for the JIT, and +(x < y) compiles
// without a branch: on random draws `x < y ? 1 : 0` mispredicts half the time (7 ns per value, not 1).
const lessThan: Loop = (out, full, other, rows, cols, rs, cs, fullFirst) => {
  for (let r = 0, i = 0; r < rows; r++) {
    if (fullFirst) for (let c = 0; c < cols; c++, i++) out[i] = +(full[i] < other[r * rs + c * cs]);
    else for (let c = 0; c < cols; c++, i++) out[i] = +(other[r * rs + c * cs] < full[i]);
  }
};
const lessOrEqual: Loop = (out, full, other, rows, cols, rs, cs, fullFirst) => {
  for (let r = 0, i = 0; r < rows; r++) {
    if (fullFirst) for (let c = 0; c < cols; c++, i++) out[i] = +(full[i] <= other[r * rs + c * cs]);
    else for (let c = 0; c < cols; c++, i++) out[i] = +(other[r * rs + c * cs] <= full[i]);
  }
};
const equal: Loop = (out, full, other, rows, cols, rs, cs) => {
  for (let r = 0, i = 0; r < rows; r++) for (let c = 0; c < cols; c++, i++) out[i] = +(full[i] === other[r * rs + c * cs]);
};
const notEqual: Loop = (out, full, other, rows, cols, rs, cs) => {
  for (let r = 0, i = 0; r < rows; r++) for (let c = 0; c < cols; c++, i++) out[i] = +(full[i] !== other[r * rs + c * cs]);
};

/** Each kernel as a loop and whether it compares b to a (Greater(a, b) is Less(b, a)). */
const KERNELS: [string, Loop, boolean][] = [
  [tf.Less, lessThan, false], [tf.Greater, lessThan, true], [tf.LessEqual, lessOrEqual, false],
  [tf.GreaterEqual, lessOrEqual, true], [tf.Equal, equal, false], [tf.NotEqual, notEqual, false],
];

/** Replaces the wasm comparison kernels by ours for float32 and int32 operands. Idempotent. */
export function installHeapCompare(): void {
  for (const [name, loop, reversed] of KERNELS) {
    replaceWasmKernel(name, (original) => (args) => {
      const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      if (a.dtype !== b.dtype || (a.dtype !== 'float32' && a.dtype !== 'int32')) return original(args);
      const layout = binaryLayout(a.shape, b.shape);
      if (!layout) return original(args);
      const backend = args.backend as unknown as WasmBackendLike;
      const out = backend.makeOutput(tf.broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape), 'bool');
      // views after makeOutput: allocating may grow the heap and detach earlier views
      const [full, other] = layout.swapped ? [b, a] : [a, b];
      // strides into `other`: every value (mode 0), a row repeated (1), one value per row (2)
      const [rowStride, colStride] = layout.mode === 0 ? [layout.cols, 1] : layout.mode === 1 ? [0, 1] : [1, 0];
      loop(backend.typedArrayFromHeap(out) as Uint8Array, backend.typedArrayFromHeap(full) as Values, backend.typedArrayFromHeap(other) as Values,
        layout.rows, layout.cols, rowStride, colStride, layout.swapped === reversed);
      countOurCall(name);
      return out;
    });
  }
}
