// Add, Sub, Multiply and RealDiv of float32 tensors on the wasm backend by our kernels
// (heap-wat.ts's binaryFunc), for the broadcasts that the lectures' models make: same shapes, a
// scalar, a row vector (a bias, a coupling mask) or a column ([n, 1]) against a matrix.
//
// tfjs's wasm kernels (XNNPACK) loop over the innermost dimension with a fixed cost per row, so a
// coupling layer's [256, 2] times its mask [2] took about 8 us in steady state, against 3.5-4 us
// for ours (the 2-D RealNVP's step makes about a hundred such operations). Ours make one IEEE
// float32 operation per value, as tfjs's do, so the results are the same bits. Other dtypes and
// broadcasts run tfjs's kernel.
import * as tf from '../core/tf';
import { HeapKernels, heapKernels, heapOffset } from './heap-kernels';
import { countOurCall, replaceWasmKernel } from './wasm-kernels';

/** How an operation walks its operands: `full` has the output's shape; the other broadcasts by `mode` (see heap-wat.ts). */
export interface BinaryLayout { rows: number; cols: number; mode: 0 | 1 | 2; swapped: boolean }

const sizeOf = (shape: number[]) => shape.reduce((p, s) => p * s, 1);

/** The layout of a op b for our kernel, or null for a broadcast it does not cover. */
export function binaryLayout(a: number[], b: number[]): BinaryLayout | null {
  const out = tf.broadcast_util.assertAndGetBroadcastShape(a, b);
  const size = sizeOf(out);
  if (size === 0) return null;
  // the operand with every value of the output is walked in order; the other one is broadcast
  const swapped = sizeOf(a) !== size;
  const [full, other] = swapped ? [b, a] : [a, b];
  if (sizeOf(full) !== size) return null;
  const otherSize = sizeOf(other);
  if (otherSize === size) return { rows: 1, cols: size, mode: 0, swapped };
  if (otherSize === 1) return { rows: 1, cols: size, mode: 2, swapped };
  const padded = [...Array(out.length - other.length).fill(1), ...other];
  const cols = out[out.length - 1];
  // a row: other's shape, without leading ones, is the output's trailing shape
  const lead = padded.findIndex((s) => s !== 1);
  if (padded.slice(lead).every((s, i) => s === out[lead + i])) return { rows: size / otherSize, cols: otherSize, mode: 1, swapped };
  // a column: the output's shape with a last dimension of 1
  if (padded[padded.length - 1] === 1 && padded.slice(0, -1).every((s, i) => s === out[i])) return { rows: size / cols, cols, mode: 2, swapped };
  return null;
}

type BinaryExport = 'add' | 'sub' | 'rsub' | 'mul' | 'div' | 'rdiv';
function install(kernelName: string, plain: BinaryExport, swapped: BinaryExport): void {
  replaceWasmKernel(kernelName, (original) => (args) => {
    const kernels = heapKernels(args.backend);
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    if (!kernels || a.dtype !== 'float32' || b.dtype !== 'float32') return original(args);
    const layout = binaryLayout(a.shape, b.shape);
    if (!layout) return original(args);
    return run(kernelName, kernels, kernels[layout.swapped ? swapped : plain], a, b, layout);
  });
}

function run(name: string, kernels: HeapKernels, kernel: HeapKernels['add'], a: tf.TensorInfo, b: tf.TensorInfo, { rows, cols, mode, swapped }: BinaryLayout): tf.TensorInfo {
  const backend = kernels.backend;
  const out = backend.makeOutput(tf.broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape), 'float32');
  const [full, other] = swapped ? [b, a] : [a, b];
  kernel(heapOffset(backend, full), heapOffset(backend, other), heapOffset(backend, out), rows, cols, mode);
  countOurCall(name);
  return out;
}

/** Replaces the wasm Add, Sub, Multiply and RealDiv kernels, for float32 and the broadcasts above, by ours. Idempotent. */
export function installHeapBinary(): void {
  install(tf.Add, 'add', 'add');
  install(tf.Multiply, 'mul', 'mul');
  install(tf.Sub, 'sub', 'rsub');
  install(tf.RealDiv, 'div', 'rdiv');
}
