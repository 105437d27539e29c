// A Transpose kernel for the wasm backend that moves matrices in 4 x 4 SIMD blocks (heap-wat.ts).
//
// tfjs-backend-wasm 4.22's Transpose moves one element at a time through a general index loop:
// 3-6 ns per element here, 46 us for a 256 x 64 activation and 2.3 ms for 512 x 784. lib/nn's
// dense layer transposes every activation in its backward pass, so a MADE VAE step spent 3 ms (a
// fifth of it) in Transpose. Only rank-2 transposes of 32-bit values take this path; any other
// transpose runs tfjs's kernel. The values are the same bits, moved.
//
// tfjs's Sum over the first axis of a matrix (every bias gradient) transposes the matrix with its
// own transpose, called directly rather than through the kernel registry, and then sums the rows
// of the result. `installHeapColumnSum` gives that Sum our transpose and then the same row sums,
// so the sums are the same bits. A sum over the leading axes of a tensor of any rank (a bias
// gradient of [batch, time, width] activations sums axes 0 and 1) is the same sum over the first
// axis of the tensor seen as a matrix [leading, rest], which costs no copy. Where the engine's
// OpenBLAS addon is loaded, float32 column sums are one pass of its own (native/openblas.c) instead,
// summed in row order, so they may differ from tfjs's in the last bits.
import * as tf from '../core/tf';
import { HeapKernels, heapKernels, heapOffset } from './heap-kernels';
import { countOurCall, replaceWasmKernel } from './wasm-kernels';
import { nativeProducts } from './native-blas';

/** x [rows, cols] transposed by our kernel into a new output (the caller disposes it). */
function transposeMatrix(kernels: HeapKernels, x: tf.TensorInfo): tf.TensorInfo {
  const [rows, cols] = x.shape;
  const out = kernels.backend.makeOutput([cols, rows], x.dtype);
  if (rows * cols > 0) kernels.transpose(heapOffset(kernels.backend, x), heapOffset(kernels.backend, out), rows, cols);
  countOurCall(tf.Transpose);
  return out;
}

/** Replaces the wasm Transpose kernel by ours for matrices of float32 or int32. Idempotent. */
export function installHeapTranspose(): void {
  replaceWasmKernel(tf.Transpose, (original) => (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    const { perm } = args.attrs as unknown as { perm: number[] };
    const kernels = heapKernels(args.backend);
    if (!kernels || x.shape.length !== 2 || perm[0] !== 1 || (x.dtype !== 'float32' && x.dtype !== 'int32')) return original(args);
    return transposeMatrix(kernels, x);
  });
}

/** How many leading axes `axes` are (0, 1, ..., j with j below the last axis), or 0 if they are not such a run. */
function leadingAxes(axes: number[], rank: number): number {
  const sorted = [...axes].sort((a, b) => a - b);
  return sorted.every((a, i) => a === i) && sorted.length < rank ? sorted.length : 0;
}

/**
 * Replaces the wasm Sum kernel, for the leading axes of a float32 or int32 tensor of rank 2 or more
 * (the first axis of a matrix among them), by our transpose and tfjs's row sums. Idempotent.
 */
export function installHeapColumnSum(): void {
  replaceWasmKernel(tf.Sum, (original) => (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const kernels = heapKernels(args.backend);
    const rank = x.shape.length;
    const leading = rank >= 2 ? leadingAxes(tf.util.parseAxisParam(axis, x.shape), rank) : 0;
    if (!kernels || leading === 0 || (x.dtype !== 'float32' && x.dtype !== 'int32')) return original(args);
    const size = (dims: number[]) => dims.reduce((p, d) => p * d, 1);
    const rest = x.shape.slice(leading);
    const [rows, cols] = [size(x.shape.slice(0, leading)), size(rest)];
    if (x.dtype === 'float32' && kernels.linalg && nativeProducts.enabled && rows * cols > 0) {
      // one pass of the addon's column sums (added in row order: the last bits may differ from tfjs's)
      const out = kernels.backend.makeOutput(keepDims ? [...Array(leading).fill(1), ...rest] : rest, 'float32');
      kernels.linalg.columnSums(heapOffset(kernels.backend, x), heapOffset(kernels.backend, out), rows, cols);
      return out;
    }
    // the same memory seen as a matrix [leading, rest]
    const transposed = transposeMatrix(kernels, { ...x, shape: [rows, cols] });
    try {
      const out = original({ ...args, inputs: { x: transposed }, attrs: { axis: [1], keepDims: false } as unknown as tf.NamedAttrMap }) as tf.TensorInfo;
      out.shape = keepDims ? [...Array(leading).fill(1), ...rest] : rest;
      return out;
    } finally {
      kernels.backend.disposeData(transposed.dataId);
    }
  });
}
