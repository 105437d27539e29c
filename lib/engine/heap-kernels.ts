// Our WebAssembly kernels (heap-wat.ts) instantiated on the tfjs wasm backend's own memory, so that
// they work on tensors where tfjs keeps them. One instance per memory; none on other backends.
import * as tf from '../core/tf';
import { engineOn } from './switch';
import { WasmBackendLike } from './tensor-io';
import * as binaries from './heap-binary';
import { HeapHelper } from './heap-helper';
import { beforeThreadedKernel } from './wasm-threads';
import { compileRelaxedSimd } from './relaxed-simd';
import { NativeLinalg, NativeProduct, nativeLinalg, nativeProduct } from './native-blas';
import { wasmThreadCount } from './wasm-threads';

type BinaryKernel = (a: number, b: number, out: number, rows: number, cols: number, mode: number) => void;

export interface HeapKernels {
  backend: WasmBackendLike;
  /** See heap-wat.ts; pointers are byte offsets in the heap. */
  adam(w: number, g: number, m: number, v: number, out: number, n: number, beta1: number, oneMinusBeta1: number,
    beta2: number, oneMinusBeta2: number, correction1: number, correction2: number, epsilon: number, negativeRate: number): void;
  transpose(src: number, dst: number, rows: number, cols: number): void;
  matmul(a: number, rowStride: number, innerStride: number, b: number, c: number, m: number, k: number, n: number, bias: number, relu: number): void;
  /** a op b with b broadcast by mode (heap-wat.ts's binaryFunc); rsub and rdiv are b - a and b / a. */
  add: BinaryKernel; sub: BinaryKernel; rsub: BinaryKernel; mul: BinaryKernel; div: BinaryKernel; rdiv: BinaryKernel;
  /** f(x) for n float32 values at x, into out (heap-wat.ts's unaryFuncs). */
  exp(x: number, out: number, n: number): void;
  tanh(x: number, out: number, n: number): void;
  softplus(x: number, out: number, n: number): void;
  /** The gradients of tanh and sigmoid from their outputs y, and of the ReLU, into out (heap-wat.ts's activationGradFuncs). */
  tanhGrad(y: number, dy: number, out: number, n: number): void;
  sigmoidGrad(y: number, dy: number, out: number, n: number): void;
  reluGrad(x: number, dy: number, out: number, n: number): void;
  /** log softmax at a named class per row, and its gradient (heap-wat.ts's classLogProbFuncs). */
  classLogProbForward(x: number, classes: number, out: number, lse: number, rows: number, width: number): void;
  classLogProbBackward(dy: number, x: number, classes: number, lse: number, dx: number, rows: number, width: number): void;
  /** A gated recurrent unit's gates, forward and backward (heap-wat.ts's gruFuncs). */
  gruForward(gx: number, gh: number, h: number, out: number, gates: number, rows: number, width: number): void;
  gruBackward(dout: number, gates: number, gh: number, h: number, dgx: number, dgh: number, dh: number, rows: number, width: number): void;
  /** A Bernoulli log-likelihood from logits summed over rows, and its gradient (heap-wat.ts's bernoulliFuncs). */
  bernoulliForward(x: number, l: number, out: number, rows: number, width: number): void;
  bernoulliBackward(dy: number, x: number, l: number, dl: number, rows: number, width: number): void;
  /** How many of n float32 values are neither 0 nor 1 (heap-wat.ts's countNonBinaryFunc). */
  countNonBinary(x: number, n: number): number;
  /** Layer normalisation of rows and its gradients (heap-wat.ts's layerNormFuncs). */
  layerNormForward(x: number, gain: number, bias: number, out: number, normed: number, rstd: number, rows: number, width: number, epsilon: number): void;
  layerNormBackward(dy: number, normed: number, rstd: number, gain: number, dx: number, dgain: number, dbias: number, rows: number, width: number): void;
  /** A diagonal Gaussian's log-density of rows and the KL divergence of two, with gradients (heap-wat.ts's normalFuncs). */
  normalForward(x: number, loc: number, scale: number, out: number, rows: number, groupRows: number, width: number, offset: number): void;
  normalBackward(dy: number, x: number, loc: number, scale: number, dx: number, dloc: number, dscale: number, rows: number, groupRows: number, width: number): void;
  normalKlForward(mp: number, sp: number, mq: number, sq: number, out: number, rows: number, width: number): void;
  normalKlBackward(dy: number, mp: number, sp: number, mq: number, sq: number, dmp: number, dsp: number, dmq: number, dsq: number, rows: number, width: number): void;
  /** matmul's product on two threads where it is large enough and the memory is shared, else matmul. */
  product(a: number, rowStride: number, innerStride: number, b: number, c: number, m: number, k: number, n: number, bias: number, relu: number): void;
  /** Whether matmul multiplies and adds in one rounding (relaxed SIMD's madd). */
  fused: boolean;
  /** The product on OpenBLAS (native-blas.ts), or null where the addon is off or not built. */
  native: NativeProduct | null;
  /** The Cholesky factor and triangular solves on OpenBLAS (native-blas.ts), or null as `native`. */
  linalg: NativeLinalg | null;
}

/**
 * Products of at least this many flops (2 m k n) are split between two threads. Alone, a
 * 128 x 196 x 512 product went from 640 to 395 us and 64 x 256 x 1568 from 1.19 to 0.63 ms, while
 * 256 x 64 x 64 (2 MFLOP) went from 48 to 53-69 us: posting the job and waiting cost more than half
 * of it (scratch timings; `node dist/bench/products.js` prints both columns for the lectures' layers).
 */
export const parallelProduct = { minFlops: 8e6, enabled: true, /** products the second thread took part in (tests check that the path is taken) */ splits: 0 };

type Exports = Omit<HeapKernels, 'backend' | 'fused' | 'product' | 'native' | 'linalg'>;

/** Our kernels on a memory; on a shared one, with a second thread for large products (started at the first). */
function instantiate(memory: WebAssembly.Memory): Omit<HeapKernels, 'backend'> {
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const { module, binary, fused } = shared
    ? compileRelaxedSimd(binaries.HEAP_SHARED_FUSED_BASE64, binaries.HEAP_SHARED_UNFUSED_BASE64)
    : compileRelaxedSimd(binaries.HEAP_UNSHARED_FUSED_BASE64, binaries.HEAP_UNSHARED_UNFUSED_BASE64);
  const ours = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Exports;
  let helper: HeapHelper | null = null;
  const product: HeapKernels['product'] = (a, rowStride, innerStride, b, c, m, k, n, bias, relu) => {
    if (!shared || !parallelProduct.enabled || 2 * m * k * n < parallelProduct.minFlops || m < 8) {
      ours.matmul(a, rowStride, innerStride, b, c, m, k, n, bias, relu);
      return;
    }
    if (!helper) {
      const started = new HeapHelper(memory, binary, fused);
      beforeThreadedKernel.add(() => started.rest());
      helper = started;
    }
    if (helper.matmul(ours.matmul, a, rowStride, innerStride, b, c, m, k, n, bias, relu)) parallelProduct.splits++;
  };
  return { ...ours, fused, product, native: nativeProduct(memory, wasmThreadCount), linalg: nativeLinalg(memory, wasmThreadCount) };
}

const instances = new WeakMap<WebAssembly.Memory, Omit<HeapKernels, 'backend'>>();
const byBackend = new WeakMap<object, HeapKernels>();

/** The wasm backend's memory: the threaded build keeps its shared memory in wasmMemory, the single-threaded build exports it. */
function heapMemory(backend: unknown): WebAssembly.Memory | undefined {
  const wasm = (backend as { wasm?: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } } }).wasm;
  return wasm?.wasmMemory ?? wasm?.asm?.memory;
}

/** Our kernels on the given backend's memory (the current backend's by default); null off wasm. */
export function heapKernels(backend: unknown = tf.getBackend() === 'wasm' ? tf.backend() : null): HeapKernels | null {
  if (!backend || !engineOn()) return null;
  const known = byBackend.get(backend as object);
  if (known) return known;
  const memory = heapMemory(backend);
  if (!memory) return null;
  let kernels = instances.get(memory);
  if (!kernels) {
    kernels = instantiate(memory);
    instances.set(memory, kernels);
  }
  const withBackend = { backend: backend as WasmBackendLike, ...kernels };
  byBackend.set(backend as object, withBackend);
  return withBackend;
}

/**
 * The byte offset of a tensor's values in the wasm heap: the backend's record of where it put them
 * (typedArrayFromHeap would make a view only to read its offset, an allocation per operand).
 */
export function heapOffset(backend: WasmBackendLike, t: tf.TensorInfo): number {
  const record = (backend as { dataIdMap?: { get(id: object): { memoryOffset?: number } | undefined } }).dataIdMap?.get(t.dataId);
  return record?.memoryOffset ?? backend.typedArrayFromHeap(t).byteOffset;
}
