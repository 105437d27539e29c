// Our WebAssembly kernels (heap-wat.ts) instantiated on the tfjs wasm backend's own memory, so that
// they work on tensors where tfjs keeps them. One instance per memory; none on other backends.
import * as tf from './tf';
import { WasmBackendLike } from './tensor-io';
import { HEAP_SHARED_BASE64, HEAP_UNSHARED_BASE64 } from './heap-binary';

export interface HeapKernels {
  backend: WasmBackendLike;
  /** See heap-wat.ts; pointers are byte offsets in the heap. */
  adam(w: number, g: number, m: number, v: number, out: number, n: number, beta1: number, oneMinusBeta1: number,
    beta2: number, oneMinusBeta2: number, correction1: number, correction2: number, epsilon: number, negativeRate: number): void;
  transpose(src: number, dst: number, rows: number, cols: number): void;
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
    const module = new WebAssembly.Module(Buffer.from(shared ? HEAP_SHARED_BASE64 : HEAP_UNSHARED_BASE64, 'base64'));
    kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Omit<HeapKernels, 'backend'>;
    instances.set(memory, kernels);
  }
  return { backend: backend as WasmBackendLike, adam: kernels.adam, transpose: kernels.transpose };
}

/** The byte offset of a tensor's values in the wasm heap. */
export function heapOffset(backend: WasmBackendLike, t: tf.TensorInfo): number {
  return backend.typedArrayFromHeap(t).byteOffset;
}
