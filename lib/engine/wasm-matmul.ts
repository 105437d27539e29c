// Matrix products on the wasm backend by our kernel (heap-wat.ts's matmul), in place of XNNPACK's.
//
// XNNPACK copies ("packs") the second operand of every product into its own layout before it
// multiplies, 3-6 ns per value here, and a training step's weights and gradients are new tensors at
// every step, so each product packs afresh. It also has no transposed-operand fast path: a product
// with transposeA ran at 1.4-2.9 GFLOP/s. Ours reads both operands where they are (A through
// strides, so a transposed A costs nothing) and multiplies with fused multiply-adds: 38-48 GFLOP/s
// on one thread against XNNPACK's 10-39 with packing, for the lectures' layer sizes (scratch
// timings of direct calls; `node dist/bench/products.js` compares them through tfjs). Products it does not cover (other dtypes, empty, activations
// other than relu and linear, broadcasts of both batches) run tfjs's kernel.
import * as tf from '../core/tf';
import { HeapKernels, heapKernels, heapOffset } from './heap-kernels';
import { replaceWasmKernel } from './wasm-kernels';
import { nativeProducts } from './native-blas';

/** How many products our kernel has computed (tests check that the path is taken). */
export const heapMatMulCount = { calls: 0 };
/** Set `enabled` to false to run tfjs's kernels instead (bench/products.ts compares the two). */
export const heapMatMul = { enabled: true };

interface Product { a: tf.TensorInfo; b: tf.TensorInfo; transposeA: boolean; transposeB: boolean; bias?: tf.TensorInfo; relu: boolean }

const batchOf = (shape: number[]) => shape.slice(0, -2).reduce((p, s) => p * s, 1);

/** The product by our kernel, or null where it does not apply. */
function heapProduct(kernels: HeapKernels, { a, b, transposeA, transposeB, bias, relu }: Product): tf.TensorInfo | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return null;
  const [m, k] = transposeA ? a.shape.slice(-2).reverse() : a.shape.slice(-2);
  const [kb, n] = transposeB ? b.shape.slice(-2).reverse() : b.shape.slice(-2);
  if (k !== kb || m * n * k === 0) return null;
  if (bias && (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== n)) return null;
  // batches broadcast only whole: each side is one matrix or as many as the output has
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const [batchA, batchB, batch] = [batchOf(a.shape), batchOf(b.shape), batchOf([...outer, 1, 1])];
  if ((batchA !== 1 && batchA !== batch) || (batchB !== 1 && batchB !== batch)) return null;

  const backend = kernels.backend;
  const out = backend.makeOutput([...outer, m, n], 'float32');
  const native = nativeProducts.enabled ? kernels.native : null;
  if (native) {
    const [pa, pb, pc] = [heapOffset(backend, a), heapOffset(backend, b), heapOffset(backend, out)];
    const pBias = bias ? heapOffset(backend, bias) : 0;
    // the whole batch in one call; an operand with one matrix is repeated (stride 0)
    native(pa, transposeA, pb, transposeB, pc, m, k, n, pBias, relu, batch, batchA === 1 ? 0 : 4 * m * k, batchB === 1 ? 0 : 4 * k * n);
    heapMatMulCount.calls++;
    return out;
  }
  // a transposed B is transposed once, into a temporary: our kernel reads B's rows as vectors
  const rowsOfB = transposeB ? backend.makeOutput([batchB * k, n], 'float32') : b;
  try {
    if (transposeB) {
      for (let i = 0; i < batchB; i++) kernels.transpose(heapOffset(backend, b) + 4 * i * n * k, heapOffset(backend, rowsOfB) + 4 * i * k * n, n, k);
    }
    const [pa, pb, pc] = [heapOffset(backend, a), heapOffset(backend, rowsOfB), heapOffset(backend, out)];
    const pBias = bias ? heapOffset(backend, bias) : 0;
    for (let i = 0; i < batch; i++) {
      const ia = batchA === 1 ? 0 : i;
      const ib = batchB === 1 ? 0 : i;
      kernels.product(pa + 4 * ia * m * k, transposeA ? 4 : 4 * k, transposeA ? 4 * m : 4, pb + 4 * ib * k * n, pc + 4 * i * m * n, m, k, n, pBias, relu ? 1 : 0);
    }
  } finally {
    if (transposeB) backend.disposeData(rowsOfB.dataId);
  }
  heapMatMulCount.calls++;
  return out;
}

/** Replaces the wasm BatchMatMul and _FusedMatMul kernels (bias, relu or none) by our kernel for float32. Idempotent. */
export function installHeapMatMul(): void {
  replaceWasmKernel(tf.BatchMatMul, (original) => (args) => {
    const kernels = heapMatMul.enabled && heapKernels(args.backend);
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    return (kernels && heapProduct(kernels, { a, b, transposeA, transposeB, relu: false })) || original(args);
  });
  replaceWasmKernel(tf._FusedMatMul, (original) => (args) => {
    const kernels = heapMatMul.enabled && heapKernels(args.backend);
    const { a, b, bias, preluActivationWeights } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo; bias?: tf.TensorInfo; preluActivationWeights?: tf.TensorInfo };
    const { transposeA, transposeB, activation } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean; activation: string };
    if (!kernels || preluActivationWeights || (activation !== 'linear' && activation !== 'relu')) return original(args);
    return heapProduct(kernels, { a, b, transposeA, transposeB, bias, relu: activation === 'relu' }) || original(args);
  });
}

/**
 * Whether matrixProduct can call our kernel directly: our kernel on and instantiated on this
 * backend's memory, float32 operands with values (tfjs's own kernel, the fallback, wants rank 3).
 */
function direct(a: tf.Tensor, b: tf.Tensor): boolean {
  return heapMatMul.enabled && a.dtype === 'float32' && b.dtype === 'float32' && a.size > 0 && b.size > 0 && heapKernels() !== null;
}

/**
 * The product of two matrices, optionally transposed, plus a bias and ReLU: on wasm one call of our
 * kernel, which takes 2-D operands as they are; tf.matMul and tf.fused.matMul add a scope and three
 * reshapes around each product (to and from [1, m, k]), dispatches that cost more than a 256 x 64
 * x 64 product's arithmetic. Elsewhere it is tf.fused.matMul. Not taped: for custom gradients.
 */
export function matrixProduct(a: tf.Tensor, b: tf.Tensor, options: { transposeA?: boolean; transposeB?: boolean; bias?: tf.Tensor1D; activation?: 'linear' | 'relu' } = {}): tf.Tensor2D {
  const { transposeA = false, transposeB = false, bias, activation = 'linear' } = options;
  if (!direct(a, b)) return tf.fused.matMul({ a, b, transposeA, transposeB, bias, activation }) as tf.Tensor2D;
  const attrs = { transposeA, transposeB, activation };
  if (!bias && activation === 'linear') return tf.engine().runKernel(tf.BatchMatMul, { a, b }, attrs) as tf.Tensor2D;
  return tf.engine().runKernel(tf._FusedMatMul, bias ? { a, b, bias } : { a, b }, attrs) as tf.Tensor2D;
}
