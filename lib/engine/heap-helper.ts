// A second thread for our matrix products on tfjs's wasm memory (heap-kernels.ts).
//
// The threaded build of the tfjs wasm backend keeps its heap in a shared WebAssembly.Memory, so a
// worker thread can instantiate our module on the same memory and compute part of a product in
// place. A product is cut into chunks of rows of C, and both threads take chunks from one shared
// counter until none are left, so a worker that wakes late takes fewer of them. If it has not
// claimed the job by the time this thread has taken the last chunk, this thread cancels its claim
// and does not wait for it at all. (With a fixed half each, this thread spent a fifth of a MADE
// VAE step waiting for the worker's half: `node --cpu-prof`.) Every value of C is the same running
// sum whichever thread computes it, so the result is the same bits as on one thread (tested). The
// worker spins for a few hundred microseconds after each job (the next product of a training step
// comes sooner, and a sleeping worker takes tens of microseconds to wake) and then sleeps in
// Atomics.wait. It stops spinning at once when told to rest (`rest()`), before a kernel runs on
// tfjs's own thread pool: on two cores the pool's thread would otherwise wait for the spinning
// worker's time slice to end (a ReLU of 65536 values took 0.75 ms more right after a shared product
// than alone, `node dist/bench/products.js`).
import { Worker } from 'worker_threads';
import { waitForValue } from '../core/wait';

/**
 * Control block: the last job posted; the last job done by the worker; 1 once the worker is ready;
 * the last job claimed (by the worker, or cancelled by this thread: whoever moves it from job - 1
 * to job); the next chunk to take; the chunk height in rows; 1 if the worker should sleep rather
 * than spin; then the matmul arguments.
 */
const POSTED = 0;
const DONE = 1;
const READY = 2;
const CLAIMED = 3;
const NEXT = 4;
const CHUNK = 5;
const REST = 6;
const ARGS = 7;
const ARG_COUNT = 10;
/** Loads of the control word the worker makes before it sleeps (a few hundred microseconds). */
const SPINS = 200000;
/** Chunks per product: enough that the thread that finishes first waits for at most a small one. */
const CHUNKS = 8;

/** Takes chunks of rows from the counter and computes them; the same text runs in both threads. */
const TAKE_CHUNKS = `(control, matmul) => {
  const [a, rowStride, innerStride, b, c, m, k, n, bias, relu] = control.subarray(${ARGS}, ${ARGS + ARG_COUNT});
  const chunk = control[${CHUNK}];
  for (let i = chunk * Atomics.add(control, ${NEXT}, 1); i < m; i = chunk * Atomics.add(control, ${NEXT}, 1)) {
    matmul(a + i * rowStride, rowStride, innerStride, b, c + i * 4 * n, Math.min(chunk, m - i), k, n, bias, relu);
  }
}`;

const WORKER_SOURCE = `
const { workerData } = require('worker_threads');
const v8 = require('v8');
if (workerData.fused) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
const { matmul } = new WebAssembly.Instance(new WebAssembly.Module(workerData.binary), { env: { memory: workerData.memory } }).exports;
const control = new Int32Array(workerData.control);
const takeChunks = ${TAKE_CHUNKS};
Atomics.store(control, ${READY}, 1);
let seen = 0;
for (;;) {
  for (let spin = 0; spin < ${SPINS} && Atomics.load(control, ${POSTED}) === seen && Atomics.load(control, ${REST}) === 0; spin++);
  Atomics.wait(control, ${POSTED}, seen);
  seen = Atomics.load(control, ${POSTED});
  if (seen < 0) break;
  // the main thread may have done the whole job already and cancelled it
  if (Atomics.compareExchange(control, ${CLAIMED}, seen - 1, seen) !== seen - 1) continue;
  takeChunks(control, matmul);
  Atomics.store(control, ${DONE}, seen);
  Atomics.notify(control, ${DONE});
}
`;

type MatMul = (a: number, rowStride: number, innerStride: number, b: number, c: number, m: number, k: number, n: number, bias: number, relu: number) => void;

// eslint-disable-next-line no-eval
const takeChunks = eval(TAKE_CHUNKS) as (control: Int32Array, matmul: MatMul) => void;

/** A worker thread running our matmul on `memory` (shared), driven from this thread. */
export class HeapHelper {
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * (ARGS + ARG_COUNT)));
  private readonly worker: Worker;
  private jobs = 0;

  constructor(memory: WebAssembly.Memory, binary: Uint8Array, fused: boolean) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { memory, binary, fused, control: this.control.buffer } });
    this.worker.unref(); // the process may exit while the worker sleeps
  }

  /**
   * C = A B (see heap-wat.ts's matmul) in chunks of rows shared with the worker; `local` is this
   * thread's matmul. Until the worker has started (or if it never does), everything runs here.
   * Returns whether the worker took part.
   */
  matmul(local: MatMul, a: number, rowStride: number, innerStride: number, b: number, c: number, m: number, k: number, n: number, bias: number, relu: number): boolean {
    if (Atomics.load(this.control, READY) !== 1) {
      local(a, rowStride, innerStride, b, c, m, k, n, bias, relu);
      return false;
    }
    const job = ++this.jobs;
    this.control.set([a, rowStride, innerStride, b, c, m, k, n, bias, relu], ARGS);
    this.control[CHUNK] = 4 * Math.max(1, Math.ceil(m / (4 * CHUNKS)));
    Atomics.store(this.control, NEXT, 0);
    Atomics.store(this.control, REST, 0);
    Atomics.store(this.control, POSTED, job);
    Atomics.notify(this.control, POSTED);
    takeChunks(this.control, local);
    // no chunk is left: if the worker has not claimed the job, it never will
    if (Atomics.compareExchange(this.control, CLAIMED, job - 1, job) === job - 1) return false;
    waitForValue(this.control, DONE, job);
    return true;
  }

  /** Sends the worker to sleep now rather than after its spin (it wakes at the next job). */
  rest(): void {
    Atomics.store(this.control, REST, 1);
  }

  /** Stops the worker. */
  dispose(): void {
    Atomics.store(this.control, POSTED, -1);
    Atomics.notify(this.control, POSTED);
  }
}
