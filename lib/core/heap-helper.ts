// A second thread for our matrix products on tfjs's wasm memory (heap-kernels.ts).
//
// The threaded build of the tfjs wasm backend keeps its heap in a shared WebAssembly.Memory, so a
// worker thread can instantiate our module on the same memory and compute part of a product in
// place. A product is split by rows of C: the worker takes the lower rows, this thread the upper
// ones. Every value of C is the same running sum whichever thread computes it, so the result is
// the same bits as on one thread (tested). Jobs go through a small shared control block: the
// worker spins for a short while after each job (the products of a backward pass come tens of
// microseconds apart, and waking a sleeping thread costs about as much) and then sleeps in
// Atomics.wait.
import { Worker } from 'worker_threads';

/** Control block: [0] last job posted, [1] last job done, [2] 1 once the worker is ready, [3..] the job's matmul arguments. */
const POSTED = 0;
const DONE = 1;
const READY = 2;
const ARGS = 3;
const ARG_COUNT = 10;
/** Loads of the control word the worker makes before it sleeps (a few hundred microseconds: within a training step the next product comes sooner, and a sleeping worker took tens of microseconds to wake, which ate most of the gain). */
const SPINS = 200000;

const WORKER_SOURCE = `
const { workerData } = require('worker_threads');
const v8 = require('v8');
if (workerData.fused) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
const { matmul } = new WebAssembly.Instance(new WebAssembly.Module(workerData.binary), { env: { memory: workerData.memory } }).exports;
const control = new Int32Array(workerData.control);
Atomics.store(control, ${READY}, 1);
let seen = 0;
for (;;) {
  for (let spin = 0; spin < ${SPINS} && Atomics.load(control, ${POSTED}) === seen; spin++);
  Atomics.wait(control, ${POSTED}, seen);
  seen = Atomics.load(control, ${POSTED});
  if (seen < 0) break;
  const a = control.subarray(${ARGS}, ${ARGS + ARG_COUNT});
  matmul(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]);
  Atomics.store(control, ${DONE}, seen);
  Atomics.notify(control, ${DONE});
}
`;

type MatMul = (a: number, rowStride: number, innerStride: number, b: number, c: number, m: number, k: number, n: number, bias: number, relu: number) => void;

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
   * C = A B (see heap-wat.ts's matmul) with rows from `split` on computed by the worker and the
   * others by `local` on this thread, in parallel. `split` should be a multiple of 4. Until the
   * worker has started (or if it never does), all rows run on this thread. Returns whether the
   * worker took its part.
   */
  matmul(local: MatMul, split: number, a: number, rowStride: number, innerStride: number, b: number, c: number, m: number, k: number, n: number, bias: number, relu: number): boolean {
    if (Atomics.load(this.control, READY) !== 1) {
      local(a, rowStride, innerStride, b, c, m, k, n, bias, relu);
      return false;
    }
    const job = ++this.jobs;
    this.control.set([a + split * rowStride, rowStride, innerStride, b, c + split * 4 * n, m - split, k, n, bias, relu], ARGS);
    Atomics.store(this.control, POSTED, job);
    Atomics.notify(this.control, POSTED);
    local(a, rowStride, innerStride, b, c, split, k, n, bias, relu);
    while (Atomics.load(this.control, DONE) !== job) Atomics.wait(this.control, DONE, job - 1, 1);
    return true;
  }

  /** Stops the worker. */
  dispose(): void {
    Atomics.store(this.control, POSTED, -1);
    Atomics.notify(this.control, POSTED);
  }
}
