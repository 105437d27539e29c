// The engine's matrix products, lib/linalg's Cholesky and solves, and float32 column sums on
// OpenBLAS (native/openblas.c, built by scripts/build-native.sh into build/native/), on the tfjs wasm
// backend's own memory. WebAssembly SIMD is 128 bits wide;
// OpenBLAS runs the processor's own kernels (AVX2 or AVX-512), two to three times as many
// multiply-adds per cycle. VI_NATIVE_BLAS=off keeps every product on our WebAssembly kernel; where
// the addon is missing, initBackend's line says so and why (scripts/setup.sh builds it).
// OpenBLAS picks its kernel when it loads, unless OPENBLAS_CORETYPE names one (this VM sets Haswell,
// for the sake of older OpenBLAS builds). VI_OPENBLAS_KERNEL=processor loads it without that
// override (and OPENBLAS_L2_SIZE), in this process only, so that it runs the processor's own kernel
// as a reader's machine would; the benchmark does this, the tests and lectures keep the machine's.
import * as fs from 'fs';
import * as path from 'path';
import { BackendError } from '../core/errors';

/** The addon's interface (byte offsets into the heap; see native/openblas.c). */
interface Addon {
  product(heap: Float32Array, a: number, transA: number, b: number, transB: number, c: number,
    m: number, k: number, n: number, bias: number, relu: number, threads: number,
    batch: number, strideA: number, strideB: number): void;
  cholesky(heap: Float32Array, a: number, out: number, n: number, shiftBits: number, threads: number): number;
  solve(heap: Float32Array, l: number, b: number, out: number, n: number, m: number, transposed: number, threads: number): void;
  columnSums(heap: Float32Array, x: number, out: number, rows: number, cols: number): void;
  kernel(): string;
}

/**
 * LAPACK's Cholesky factor, BLAS's triangular solves and the addon's column sums on a memory's heap (byte offsets):
 * `cholesky` writes L (zeros above the diagonal) with L L^T = a + shift I from a's lower triangle and
 * returns null, or, where a leading minor is not positive definite, the first such pivot (0-based)
 * and its value; `solve` writes L^-1 B (L^-T B when transposed) for B [n, m].
 */
export interface NativeLinalg {
  cholesky(a: number, out: number, n: number, shift: number): { pivot: number; value: number } | null;
  solve(l: number, b: number, out: number, n: number, m: number, transposed: boolean): void;
  /** out [cols] = the column sums of x [rows, cols], added in row order. */
  columnSums(x: number, out: number, rows: number, cols: number): void;
}

/**
 * Products on OpenBLAS: C = op(A) op(B) (+ bias) (then ReLU), operands by byte offset in the memory's
 * heap, for `batch` products whose A and B start `strideA` and `strideB` bytes apart (0: the same
 * matrix for all) and whose Cs follow each other.
 */
export type NativeProduct = (a: number, transA: boolean, b: number, transB: boolean, c: number,
  m: number, k: number, n: number, bias: number, relu: boolean, batch?: number, strideA?: number, strideB?: number) => void;

/**
 * `enabled`: products (and lib/linalg's Cholesky and solves, and column sums) go to the addon where it
 * is loaded (tests and benches switch it off to compare with our WebAssembly kernels); `calls` counts
 * the products and `linalgCalls` the rest (tests check the path is taken);
 * products of fewer than `minParallelFlops` (2 m k n) run on one OpenBLAS thread, larger ones on as
 * many as the wasm backend has. Alone, two threads pay from about 8 MFLOP; inside a training step a
 * two-thread product now and then waits a scheduler's time slice (0.5-3.5 ms) for OpenBLAS's second
 * thread, so below 20 MFLOP one thread wins (the Transformer prior over top codes, whose products
 * are 8-17 MFLOP: 5.95 to 4.70 ms a step in alternating rounds of one process).
 */
export const nativeProducts = { enabled: true, calls: 0, minParallelFlops: 2e7, /** Cholesky factors, solves and column sums */ linalgCalls: 0 };

const ADDON = path.join('build', 'native', 'openblas.node');

/** The project's root: the nearest folder above this file with the addon's source. */
function projectRoot(): string | null {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'native', 'openblas.c'))) return dir;
    if (path.dirname(dir) === dir) return null;
  }
}

let loaded: { addon: Addon | null; status: string } | undefined;

/** VI_NATIVE_BLAS, checked: on (the default) or off. */
function requested(): boolean {
  const value = process.env.VI_NATIVE_BLAS ?? 'on';
  if (value !== 'on' && value !== 'off') {
    throw new BackendError(`VI_NATIVE_BLAS=${value} is not on or off`, 'unset it, or set it to off to keep every product in WebAssembly');
  }
  return value === 'on';
}

/** The machine's overrides of OpenBLAS's own kernel and cache size choice. */
const OVERRIDES = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'];

/** VI_OPENBLAS_KERNEL, checked: machine (the default: as the environment says) or processor. */
function kernelChoice(): 'machine' | 'processor' {
  const value = process.env.VI_OPENBLAS_KERNEL ?? 'machine';
  if (value !== 'machine' && value !== 'processor') {
    throw new BackendError(`VI_OPENBLAS_KERNEL=${value} is not machine or processor`, 'unset it, or set it to processor to let OpenBLAS choose its kernel');
  }
  return value;
}

/** f() with the overrides out of the environment when `remove` (OpenBLAS reads them as it loads), restored after. */
function withoutOverrides<T>(remove: boolean, f: () => T): T {
  const saved = OVERRIDES.map((name) => [name, process.env[name]] as const);
  if (remove) OVERRIDES.forEach((name) => delete process.env[name]);
  try {
    return f();
  } finally {
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
  }
}

function load(): { addon: Addon | null; status: string } {
  if (!requested()) return { addon: null, status: 'products in WebAssembly (VI_NATIVE_BLAS=off)' };
  const root = projectRoot();
  const file = root ? path.join(root, ADDON) : ADDON;
  if (!root || !fs.existsSync(file)) {
    return { addon: null, status: `products in WebAssembly: ${ADDON} is not built (run npm run setup, which builds it with gcc and libopenblas-dev)` };
  }
  const processorKernel = kernelChoice() === 'processor';
  try {
    const addon = withoutOverrides(processorKernel, () => require(file) as Addon);
    // "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH ... (kernel Haswell)" -> "OpenBLAS 0.3.21, Haswell kernel"
    const [, version, kernel] = /^(\S+ \S+).*\(kernel (\S+)\)$/.exec(addon.kernel()) ?? [null, addon.kernel(), '?'];
    return { addon, status: `products on ${version}, ${kernel} kernel` };
  } catch (e) {
    return { addon: null, status: `products in WebAssembly: ${ADDON} did not load (${(e as Error).message.split('\n')[0]}; run npm run setup to rebuild it)` };
  }
}

/** The addon, loaded once per process (null where it is off, missing or broken). */
function addon(): Addon | null {
  loaded ??= load();
  return loaded.addon;
}

/** Where the engine's products run, for initBackend's line: OpenBLAS and its kernel, or why not. */
export function nativeBlasStatus(): string {
  loaded ??= load();
  return loaded.status;
}

/** OpenBLAS products on a wasm memory with `threads` threads at most; null where the addon is not loaded. */
export function nativeProduct(memory: WebAssembly.Memory, threads: () => number): NativeProduct | null {
  const blas = addon();
  if (!blas) return null;
  let heap = new Float32Array(memory.buffer);
  return (a, transA, b, transB, c, m, k, n, bias, relu, batch = 1, strideA = 0, strideB = 0) => {
    if (heap.buffer !== memory.buffer) heap = new Float32Array(memory.buffer); // the memory grew
    const wide = 2 * m * k * n >= nativeProducts.minParallelFlops;
    blas.product(heap, a, transA ? 1 : 0, b, transB ? 1 : 0, c, m, k, n, bias, relu ? 1 : 0, wide ? Math.max(1, threads()) : 1, batch, strideA, strideB);
    nativeProducts.calls++;
  };
}

/** The Cholesky factor, triangular solves and column sums of the addon, on a wasm memory; null where it is not loaded. */
export function nativeLinalg(memory: WebAssembly.Memory, threads: () => number): NativeLinalg | null {
  const blas = addon();
  if (!blas) return null;
  let heap = new Float32Array(memory.buffer);
  const current = () => (heap.buffer === memory.buffer ? heap : (heap = new Float32Array(memory.buffer)));
  const bits = new Uint32Array(new Float32Array(1).buffer);
  return {
    cholesky(a, out, n, shift) {
      new Float32Array(bits.buffer)[0] = shift; // the shift as float32, as the copy into L adds it
      const info = blas.cholesky(current(), a, out, n, bits[0], Math.max(1, threads()));
      nativeProducts.linalgCalls++;
      if (info === 0) return null;
      return { pivot: info - 1, value: current()[(out >> 2) + (info - 1) * (n + 1)] };
    },
    solve(l, b, out, n, m, transposed) {
      blas.solve(current(), l, b, out, n, m, transposed ? 1 : 0, Math.max(1, threads()));
      nativeProducts.linalgCalls++;
    },
    columnSums(x, out, rows, cols) {
      blas.columnSums(current(), x, out, rows, cols);
      nativeProducts.linalgCalls++;
    },
  };
}
