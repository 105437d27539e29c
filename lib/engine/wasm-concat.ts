// A Concat kernel for the wasm backend that copies short runs value by value.
//
// tfjs-backend-wasm 4.22's Concat copies, for every row of the output and every input, one run
// through `subarray` and `set`: a new typed-array view per run. Joining [512, 1] columns (the
// Feynman-Kac walkers' coordinates) makes 512 views per input, about 0.1 us each, and Concat took
// a sixth of a Feynman-Kac training iteration. This kernel copies runs shorter than 16 values in a
// plain loop and longer ones with `set`, as tfjs does. Strings keep tfjs's kernel. The values are
// the same bits, copied. tfjs's Pack (tf.stack) calls its own Concat directly, not through the
// kernel registry, so it is replaced too: stacking is the same join of rows.
import * as tf from '../core/tf';
import { WasmBackendLike } from './tensor-io';
import { countOurCall, replaceWasmKernel } from './wasm-kernels';
import { copyRun } from './rows';

/**
 * out = the inputs joined row by row: row b of the output is row b of each input in turn, input i
 * contributing `runs[i]` values per row, for `rows` rows.
 */
export function joinRows(inputs: tf.TypedArray[], runs: number[], rows: number, out: tf.TypedArray): void {
  let o = 0;
  for (let b = 0; b < rows; b++) {
    for (let i = 0; i < inputs.length; i++) {
      const run = runs[i];
      const x = inputs[i];
      copyRun(x, b * run, out, o, run);
      o += run;
    }
  }
}

/** Replaces the wasm Concat kernel by ours (strings keep the original). Idempotent. */
export function installHeapConcat(): void {
  replaceWasmKernel(tf.Concat, (original) => (args) => {
    const inputs = args.inputs as unknown as tf.TensorInfo[];
    if (inputs.length === 0 || inputs[0].dtype === 'string') return original(args);
    const nonEmpty = inputs.filter((t) => tf.util.sizeFromShape(t.shape) > 0);
    if (nonEmpty.length <= 1) return original(args); // tfjs returns the one input (or an empty output)
    const axis = tf.util.parseAxisParam((args.attrs as unknown as { axis: number | number[] }).axis, inputs[0].shape)[0];
    const shapes = inputs.map((t) => t.shape);
    tf.backend_util.assertParamsConsistent(shapes, axis);
    const outShape = tf.backend_util.computeOutShape(shapes, axis);
    const backend = args.backend as unknown as WasmBackendLike;
    const out = backend.makeOutput(outShape, inputs[0].dtype);
    // views after makeOutput: allocating may grow the heap and detach earlier views
    joinRows(nonEmpty.map((t) => backend.typedArrayFromHeap(t)), nonEmpty.map((t) => tf.util.sizeFromShape(t.shape.slice(axis))),
      tf.util.sizeFromShape(nonEmpty[0].shape.slice(0, axis)), backend.typedArrayFromHeap(out));
    return out;
  });
}

/** Replaces the wasm Pack kernel (tf.stack) by the same row join (one input, strings: tfjs's). Idempotent. */
export function installHeapPack(): void {
  replaceWasmKernel(tf.Pack, (original) => (args) => {
    const inputs = args.inputs as unknown as tf.TensorInfo[];
    if (inputs.length <= 1 || inputs[0].dtype === 'string') return original(args);
    const { shape, dtype } = inputs[0];
    if (inputs.some((t) => t.dtype !== dtype || !tf.util.arraysEqual(t.shape, shape))) return original(args); // tfjs's own errors
    const { axis } = args.attrs as unknown as { axis: number };
    const at = axis < 0 ? axis + shape.length + 1 : axis;
    const backend = args.backend as unknown as WasmBackendLike;
    const out = backend.makeOutput([...shape.slice(0, at), inputs.length, ...shape.slice(at)], dtype);
    countOurCall(tf.Pack);
    const run = tf.util.sizeFromShape(shape.slice(at));
    if (run > 0) {
      joinRows(inputs.map((t) => backend.typedArrayFromHeap(t)), inputs.map(() => run), tf.util.sizeFromShape(shape.slice(0, at)),
        backend.typedArrayFromHeap(out));
    }
    return out;
  });
}
