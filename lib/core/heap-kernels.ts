// Our WebAssembly kernels (heap-wat.ts) instantiated on the tfjs wasm backend's own memory, so that
// they work on tensors where tfjs keeps them. One instance per memory; none on other backends.
import * as v8 from 'v8';
import * as tf from './tf';
import { WasmBackendLike } from './tensor-io';
import * as binaries from './heap-binary';

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
  /** Whether matmul multiplies and adds in one rounding (relaxed SIMD's madd). */
  fused: boolean;
}

/** The module for a shared or an unshared memory, with relaxed SIMD where this V8 can (Node 20: behind a flag, which we set). */
function compileHeapModule(shared: boolean): { module: WebAssembly.Module; fused: boolean } {
  try {
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
    return { module: new WebAssembly.Module(Buffer.from(shared ? binaries.HEAP_SHARED_FUSED_BASE64 : binaries.HEAP_UNSHARED_FUSED_BASE64, 'base64')), fused: true };
  } catch {
    // no relaxed SIMD in this V8: the build with mul + add
    return { module: new WebAssembly.Module(Buffer.from(shared ? binaries.HEAP_SHARED_UNFUSED_BASE64 : binaries.HEAP_UNSHARED_UNFUSED_BASE64, 'base64')), fused: false };
  }
}

const instances = new WeakMap<WebAssembly.Memory, Omit<HeapKernels, 'backend'>>();

/** The wasm backend's memory: the threaded build keeps its shared memory in wasmMemory, the single-threaded build exports it. */
function heapMemory(backend: unknown): WebAssembly.Memory | undefined {
  const wasm = (backend as { wasm?: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } } }).wasm;
  return wasm?.wasmMemory ?? wasm?.asm?.memory;
}

/** Our kernels on the given backend's memory (the current backend's by default); null off wasm. */
export function heapKernels(backend: unknown = tf.getBackend() === 'wasm' ? tf.backend() : null): HeapKernels | null {
  const memory = backend ? heapMemory(backend) : undefined;
  if (!memory) return null;
  let kernels = instances.get(memory);
  if (!kernels) {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const { module, fused } = compileHeapModule(shared);
    kernels = { ...(new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Omit<HeapKernels, 'backend' | 'fused'>), fused };
    instances.set(memory, kernels);
  }
  return { backend: backend as WasmBackendLike, ...kernels };
}

/** The byte offset of a tensor's values in the wasm heap. */
export function heapOffset(backend: WasmBackendLike, t: tf.TensorInfo): number {
  return backend.typedArrayFromHeap(t).byteOffset;
}
