// The multi-threaded SIMD build of the tfjs wasm backend, switched on under Node.
//
// @tensorflow/tfjs-backend-wasm ships a threaded build (XNNPACK with a pthreadpool) but disables it
// in Node (tensorflow/tfjs#3830), for two reasons that we work around during initialisation only:
// 1. Emscripten loads each pthread worker from a Blob URL, which Node's worker_threads cannot open.
//    We write the package's own worker script to a file once and hand Emscripten that path; inside
//    the worker, the main script is read from the package's file instead of the Blob.
// 2. The backend caps XNNPACK's pool at half the logical cores (it assumes two hyperthreads per
//    core), so a 2-core machine without SMT would get one thread. We report 2 x threads logical
//    cores while the module starts, then restore os.cpus.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '../core/tf';
import { BackendError } from '../core/errors';

const THREADED_SCRIPT = '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';
const WORKER_SCRIPT = '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js';

/** Writes the pthread worker script (once per content) and returns its path. */
function workerScriptFile(): string {
  const mainScript = require.resolve(THREADED_SCRIPT);
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { wasmWorkerContents } = require(WORKER_SCRIPT) as { wasmWorkerContents: string };
  // the package's string holds "\n" inside JS string literals; the Blob route escapes it the same way
  const body = `URL.createObjectURL = () => ${JSON.stringify(mainScript)}; URL.revokeObjectURL = () => {};\n`
    + wasmWorkerContents.replace(/\n/g, '\\n');
  const hash = crypto.createHash('sha256').update(body).digest('hex').slice(0, 16);
  const file = path.join(os.tmpdir(), `vi-lectures-tfjs-pthread-${hash}.js`);
  if (!fs.existsSync(file)) {
    const partial = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(partial, body);
    fs.renameSync(partial, file); // atomic: a concurrent process never sees half a file
  }
  return file;
}

/** The number of threads the wasm backend should use: VI_WASM_THREADS, else one per core (at most 4). */
export function defaultWasmThreads(): number {
  const requested = process.env.VI_WASM_THREADS;
  if (requested !== undefined && requested !== '') {
    const n = Number(requested);
    if (!Number.isInteger(n) || n < 1 || n > 8) {
      throw new BackendError(`VI_WASM_THREADS=${requested} is not a whole number from 1 to 8`, 'set it to 1 (single-threaded) or the number of cores to use');
    }
    return n;
  }
  return Math.min(4, os.availableParallelism?.() ?? os.cpus().length);
}

/**
 * Runs `start` (which must initialise the wasm backend) with the threaded build enabled for
 * `threads` threads. Call it only before the wasm backend's first initialisation.
 */
export async function withWasmThreads<T>(threads: number, start: () => Promise<T>): Promise<T> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const wasm = require('@tensorflow/tfjs-backend-wasm') as { setThreadsCount(n: number): void };
  const worker = workerScriptFile();
  const createObjectURL = URL.createObjectURL;
  // patch the real module object: `import * as os` is a copy under esModuleInterop
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const nodeOs = require('os') as { cpus: () => os.CpuInfo[] };
  const cpus = nodeOs.cpus;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  URL.createObjectURL = () => worker;
  const one = cpus()[0];
  nodeOs.cpus = () => Array.from({ length: 2 * threads }, () => one);
  try {
    const result = await start();
    // Emscripten keeps a running pthread's worker referenced, so Node would never exit; the pool's
    // threads live as long as the process anyway
    const module = wasmModule();
    module?.PThread?.runningWorkers.forEach((w) => w.unref());
    if (preparePools(threads)) routeKernelsBySize();
    return result;
  } finally {
    URL.createObjectURL = createObjectURL;
    nodeOs.cpus = cpus;
  }
}

interface EmscriptenModule {
  HEAP32: Int32Array;
  _get_threads_count(): number;
  _init_with_threads_count(n: number): void;
  PThread?: { runningWorkers: { unref(): void }[] };
}

function wasmModule(): EmscriptenModule | undefined {
  return (tf.findBackend('wasm') as unknown as { wasm?: EmscriptenModule } | null)?.wasm;
}

/**
 * The address of the backend's global `threadpool` pointer, read from the code of its exported
 * `get_threads_count`, which begins by loading it: i32.const ADDR; i32.load. Undefined if the
 * binary does not start that way.
 */
function threadpoolAddress(): number | undefined {
  const bytes = fs.readFileSync(require.resolve(THREADED_SCRIPT.replace(/\.js$/, '.wasm')));
  let p = 8;
  const leb = () => { let r = 0; let shift = 0; let b; do { b = bytes[p++]; r |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80); return r >>> 0; };
  const skipName = () => { const length = leb(); p += length; };
  let imported = 0; let target = -1; let code = -1;
  while (p < bytes.length) {
    const id = bytes[p++]; const end = leb() + p;
    if (id === 2) { // imports: count the functions, which come first in the function index space
      for (let n = leb(); n > 0; n--) {
        skipName(); skipName();
        const kind = bytes[p++];
        if (kind === 0) { leb(); imported++; } else if (kind === 1) { p++; if (bytes[p++] & 1) { leb(); } leb(); } else if (kind === 2) { if (bytes[p++] & 1) { leb(); } leb(); } else p += 2;
      }
    } else if (id === 7) { // exports
      for (let n = leb(); n > 0; n--) {
        const length = leb(); const name = bytes.subarray(p, p + length).toString(); p += length;
        const kind = bytes[p++]; const index = leb();
        if (kind === 0 && name === 'get_threads_count') target = index - imported;
      }
    } else if (id === 10) code = p;
    p = end;
  }
  if (target < 0 || code < 0) return undefined;
  p = code;
  for (let i = 0, n = leb(); i < n; i++) {
    const size = leb(); const start = p;
    if (i === target) {
      for (let groups = leb(); groups > 0; groups--) { leb(); p++; } // locals
      if (bytes[p++] !== 0x41) return undefined; // i32.const
      const address = leb();
      return bytes[p] === 0x28 ? address : undefined; // i32.load
    }
    p = start + size;
  }
  return undefined;
}

/** XNNPACK thread pools of the running backend, by size, and where the backend keeps the current one. */
let pools: { address: number; single: number; multi: number; threads: number } | undefined;

/**
 * Makes a single-threaded pool next to the multi-threaded one so that each kernel call can pick
 * either: waking the second thread costs about 20 us, more than small kernels take. Returns false
 * (and leaves the multi-threaded pool in place) if the pool pointer cannot be found and verified.
 */
function preparePools(threads: number): boolean {
  const module = wasmModule();
  const address = threadpoolAddress();
  if (!module || address === undefined || address % 4 !== 0) return false;
  const multi = module.HEAP32[address >> 2];
  if (module._get_threads_count() !== threads) return false;
  module._init_with_threads_count(1);
  const single = module.HEAP32[address >> 2];
  const ok = module._get_threads_count() === 1 && single !== multi;
  module.HEAP32[address >> 2] = multi;
  if (!ok || module._get_threads_count() !== threads) return false;
  pools = { address, single, multi, threads };
  return true;
}

/** Switches the backend to the single- or multi-threaded pool (a no-op without both pools). */
function usePool(multi: boolean): void {
  if (!pools) return;
  const module = wasmModule()!;
  module.HEAP32[pools.address >> 2] = multi ? pools.multi : pools.single;
}

const MATMULS = new Set(['BatchMatMul', '_FusedMatMul']);
/**
 * Kernel sizes from which the pool's second thread pays. Element-wise kernels: from 2^20 values.
 * Alone, the pool is 1.3-1.9 times faster from 65536 values, but right after a product that our
 * own second thread shared (heap-helper.ts), a kernel of any size on the pool took 0.75-1 ms more,
 * waiting for a core (`node dist/bench/products.js`); from 2^20 values the helper is sent to rest
 * first (beforeThreadedKernel) and the kernel is long enough to pay for waking it at the next product.
 */
export const parallelThresholds = { matMulFlops: 4e6, elements: 1048576 };

type Info = { shape: number[] };
const size = (t: Info) => tf.util.sizeFromShape(t.shape);

/** Whether one kernel call is big enough for the multi-threaded pool. */
export function wantsThreads(kernel: string, inputs: Record<string, Info | undefined>, attrs: Record<string, unknown> = {}): boolean {
  if (MATMULS.has(kernel) && inputs.a && inputs.b) {
    const b = inputs.b.shape;
    const n = attrs.transposeB ? b[b.length - 2] : b[b.length - 1];
    return 2 * size(inputs.a) * n >= parallelThresholds.matMulFlops;
  }
  let largest = 0;
  for (const t of Object.values(inputs)) if (t) largest = Math.max(largest, size(t));
  return largest >= parallelThresholds.elements;
}

/** Called before each kernel call that runs on the multi-threaded pool (heap-kernels.ts rests its own worker there). */
export const beforeThreadedKernel = new Set<() => void>();

/** Wraps every wasm kernel so that each call runs on the pool its size calls for. */
function routeKernelsBySize(): void {
  for (const config of tf.getKernelsForBackend('wasm')) {
    const inner = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        const multi = wantsThreads(config.kernelName, args.inputs as Record<string, Info>, args.attrs as Record<string, unknown>);
        if (multi) beforeThreadedKernel.forEach((f) => f());
        usePool(multi);
        return inner(args);
      },
    });
  }
}

/** Threads of the running wasm backend (1 for the single-threaded build); 0 if wasm is not running. */
export function wasmThreadCount(): number {
  return pools?.threads ?? wasmModule()?._get_threads_count() ?? 0;
}

/** Threads in the pool that the next kernel call would use if not routed (for tests). */
export function activePoolThreads(): number {
  return wasmModule()?._get_threads_count() ?? 0;
}

/** Whether kernel calls are being routed between a single- and a multi-threaded pool. */
export function routingKernels(): boolean {
  return pools !== undefined;
}
