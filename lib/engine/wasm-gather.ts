// A GatherV2 kernel for the wasm backend that copies whole slices.
//
// tfjs-backend-wasm 4.22's Gather computes the source of every output value from its coordinates,
// about 65 ns per value here: drawing a batch of 100 digits from the 60,000 training images took
// 5 ms, a tenth of lecture 2's time. This kernel copies, for each index, the contiguous slice that
// follows the gathered axis. Indices out of range are refused with tfjs's message; batch dimensions
// keep tfjs's kernel. The values are the same bits, copied.
import * as tf from '../core/tf';
import { WasmBackendLike } from './tensor-io';
import { countOurCall, replaceWasmKernel } from './wasm-kernels';
import { copyRun } from './rows';

/**
 * out[o, i, s] = x[o, indices[i], s] for x viewed as [outer, axisSize, slice]: the slices after the
 * gathered axis, for every index, for every position before it.
 */
export function gatherSlices(x: tf.TypedArray, outer: number, axisSize: number, slice: number, indices: ArrayLike<number>, out: tf.TypedArray): void {
  let o = 0;
  for (let b = 0; b < outer; b++) {
    const base = b * axisSize * slice;
    if (slice === 1) {
      // single values (a gather along the last axis, as image patches are cut): no run to copy
      for (let i = 0; i < indices.length; i++) out[o++] = x[base + indices[i]];
      continue;
    }
    for (let i = 0; i < indices.length; i++, o += slice) {
      copyRun(x, base + indices[i] * slice, out, o, slice);
    }
  }
}

/** Replaces the wasm GatherV2 kernel by ours for float32 and int32 values without batch dimensions. Idempotent. */
export function installHeapGather(): void {
  replaceWasmKernel(tf.GatherV2, (original) => (args) => {
    const { x, indices } = args.inputs as unknown as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const { axis, batchDims } = args.attrs as unknown as { axis: number; batchDims: number };
    if ((x.dtype !== 'float32' && x.dtype !== 'int32') || batchDims !== 0 || x.shape.length === 0 || indices.dtype !== 'int32') return original(args);
    const backend = args.backend as unknown as WasmBackendLike;
    const a = tf.util.parseAxisParam(axis, x.shape)[0];
    const axisSize = x.shape[a];
    // a copy (a memcpy; Int32Array.from walks an iterator): the view would not survive the heap growing
    const idx = (backend.typedArrayFromHeap(indices) as Int32Array).slice();
    for (let j = 0; j < idx.length; j++) {
      const i = idx[j];
      if (!(i >= 0 && i <= axisSize - 1)) throw new Error(`GatherV2: the index value ${i} is not in [0, ${axisSize - 1}]`);
    }
    const outShape = [...x.shape.slice(0, a), ...indices.shape, ...x.shape.slice(a + 1)];
    const out = backend.makeOutput(outShape, x.dtype);
    if (tf.util.sizeFromShape(outShape) === 0) return out;
    gatherSlices(backend.typedArrayFromHeap(x), tf.util.sizeFromShape(x.shape.slice(0, a)), axisSize,
      tf.util.sizeFromShape(x.shape.slice(a + 1)), idx, backend.typedArrayFromHeap(out));
    countOurCall(tf.GatherV2);
    return out;
  });
}
