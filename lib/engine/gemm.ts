// Packed matrix updates C -= A B on both cores: our WebAssembly kernel (gemm-wat.ts) runs on this
// thread and on one worker thread, which share one WebAssembly memory. An update is handed to the
// worker through a few shared words; both threads then claim chunks of its columns from one atomic
// counter until none are left, and this thread blocks (Atomics.wait) until the worker is done, so
// `update` is synchronous like tfjs's dataSync. `startUpdate` and `finishUpdate` split that in two:
// between them this thread can do other work (and run `update`s of its own, alone) while the
// worker computes, and then joins in. The worker is unref'd, so it never keeps a process alive.
//
// The fused kernel needs relaxed SIMD, which Node 20 keeps behind a V8 flag; we set the flag
// before compiling (lib/engine/relaxed-simd.ts; it is process-wide and only enables the instructions). Where that fails the
// unfused kernel (mul + add) is used, about 0.6 of the speed.
import { Worker } from 'worker_threads';
import { ParameterError, ShapeError } from '../core/errors';
import { waitForValue } from '../core/wait';
import { compileRelaxedSimd } from './relaxed-simd';
import { GEMM_FUSED_BASE64, GEMM_UNFUSED_BASE64 } from './gemm-binary';
import { TILE_COLS, TILE_ROWS } from './gemm-wat';

const PAGE = 65536;
const MAX_PAGES = 32768; // the module's declared maximum, 2 GiB (a shared memory reserves its maximum's address space up front; signed i32 offsets stay positive)

// The workspace starts after a 64-byte header holding the chunk counters: the shared job's, and
// the one this thread uses for updates it runs alone.
const HEADER_BYTES = 64;
const SHARED_COUNTER = 0;
const OWN_COUNTER = 4;

// control words: job sequence, worker's finished sequence, failure flag, stop flag, then arguments
const SEQUENCE = 0;
const FINISHED = 1;
const FAILED = 2;
const STOP = 3;
const ARGS = 4;
const ARG_COUNT = 12; // update's parameters

type UpdateFn = (c: number, ldc: number, a: number, b: number, rowTiles: number, colTiles: number, k: number,
  lower: number, counter: number, chunkCols: number, overwrite: number, upperB: number) => void;
type PackFn = (src: number, ld: number, rows: number, k: number, dst: number, height: number) => void;
type PackRowsFn = (src: number, ld: number, k: number, colTiles: number, dst: number) => void;
type Cholesky64Fn = (a: number, n: number) => number;
type Invert64Fn = (l: number, u: number, n: number) => void;

// The worker: instantiate the same module on the same memory, then run jobs until told to stop.
const WORKER_SOURCE = `
const { workerData } = require('worker_threads');
const control = new Int32Array(workerData.control);
let seen = 0;
try {
  const update = new WebAssembly.Instance(workerData.module, { env: { memory: workerData.memory } }).exports.update;
  for (;;) {
    Atomics.wait(control, ${SEQUENCE}, seen);
    seen = Atomics.load(control, ${SEQUENCE});
    if (Atomics.load(control, ${STOP}) === 1) break;
    const a = control.slice(${ARGS}, ${ARGS + ARG_COUNT});
    update(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]);
    Atomics.store(control, ${FINISHED}, seen);
    Atomics.notify(control, ${FINISHED});
  }
} catch (e) {
  Atomics.store(control, ${FAILED}, 1);
  Atomics.store(control, ${FINISHED}, Atomics.load(control, ${SEQUENCE}));
  Atomics.notify(control, ${FINISHED});
}
`;

/** How `update` treats C and B (all off by default). */
export interface UpdateMode {
  /** Compute only the tiles of C that reach its lower triangle. */
  lower?: boolean;
  /** C = -A B, without reading C. */
  overwrite?: boolean;
  /** B (k x k) is upper triangular: for each 8-column tile of B, the rows below the tile are skipped. */
  upperB?: boolean;
}

/**
 * A shared float32 workspace and the kernel that updates it. Offsets given to `update` are in
 * floats from the start of the workspace; reserve space with `reserve` first.
 */
export class PackedGemm {
  readonly fused: boolean;
  private readonly memory: WebAssembly.Memory;
  private readonly kernel: UpdateFn;
  private readonly packKernel: PackFn;
  private readonly packRowsKernel: PackRowsFn;
  private readonly cholesky64: Cholesky64Fn;
  private readonly invert64: Invert64Fn;
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * (ARGS + ARG_COUNT)));
  private worker: Worker | null = null;
  /**
   * The most column tiles per chunk (see gemm-wat.ts); an update uses fewer when it has under eight
   * chunks' worth, so that two threads still share it. Wide chunks read C in long runs along its
   * rows, which the hardware prefetches: at 4000 x 256, 32-tile chunks ran 4% faster on two
   * threads and 10% on one than 8-tile chunks (scratch measurement, medians of 6).
   */
  chunkCols = 32;
  private sequence = 0;
  private view: Float32Array;
  private counters: Int32Array;
  /** The arguments of the update started and not yet finished. */
  private pending: number[] | null = null;
  /** What the workspace holds, as named by the last `reserve` or `claim`. */
  private owner: object | null = null;
  /** Milliseconds spent so far in this thread's share of the updates and waiting for the worker's. */
  readonly timings = { own: 0, wait: 0 };

  constructor(options: { fused?: boolean; threads?: 1 | 2 } = {}) {
    const compiled = compileRelaxedSimd(GEMM_FUSED_BASE64, GEMM_UNFUSED_BASE64, options.fused ?? true);
    this.fused = compiled.fused;
    this.memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    const exports = new WebAssembly.Instance(compiled.module, { env: { memory: this.memory } }).exports;
    this.kernel = exports.update as UpdateFn;
    this.packKernel = exports.pack as PackFn;
    this.packRowsKernel = exports.packRows as PackRowsFn;
    this.cholesky64 = exports.cholesky64 as Cholesky64Fn;
    this.invert64 = exports.invertLowerT64 as Invert64Fn;
    this.view = new Float32Array(this.memory.buffer, HEADER_BYTES);
    this.counters = new Int32Array(this.memory.buffer, 0, HEADER_BYTES / 4);
    if ((options.threads ?? 2) === 2) {
      this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module: compiled.module, memory: this.memory, control: this.control.buffer } });
      this.worker.unref();
    }
  }

  /** Whether the workspace still holds what `owner` left there (nothing has reserved it since). */
  holds(owner: object): boolean {
    return this.owner === owner;
  }

  /** Names what the workspace now holds, for `holds`. */
  claim(owner: object): void {
    this.owner = owner;
  }

  get threads(): number {
    return this.worker ? 2 : 1;
  }

  /**
   * Grows the workspace to at least `floats` floats and returns a view of all of it. `owner` names
   * what the caller leaves in the workspace (see `holds`); reserving without it clears that name,
   * so anything that writes the workspace must reserve first.
   */
  reserve(floats: number, owner: object | null = null): Float32Array {
    this.owner = owner;
    const pages = Math.ceil((HEADER_BYTES + 4 * floats) / PAGE);
    const have = this.memory.buffer.byteLength / PAGE;
    if (pages > MAX_PAGES) throw new ParameterError(`a workspace of ${floats} floats exceeds the kernel's 2 GiB workspace`, 'factorise a smaller matrix (n up to about 22,000), or use choleskyTfjs');
    if (pages > have) this.memory.grow(pages - have);
    if (this.view.buffer.byteLength !== this.memory.buffer.byteLength) {
      this.view = new Float32Array(this.memory.buffer, HEADER_BYTES);
      this.counters = new Int32Array(this.memory.buffer, 0, HEADER_BYTES / 4);
    }
    return this.view;
  }

  /**
   * C -= A B, where C starts at float offset `c` with row stride `ldc` floats and has
   * 4 rowTiles rows and 8 colTiles columns; A (at `a`) and B (at `b`) are packed as gemm-wat.ts
   * describes, with inner dimension k. With `lower`, only tiles touching C's lower triangle
   * (column <= row, C square) are computed; the tiles on the diagonal are computed whole. With
   * `overwrite`, C = -A B (C's old values are not read). With `upperB`, B (k x k) is taken as upper
   * triangular and the zeros below its diagonal are skipped (half the work of a triangular solve).
   */
  update(c: number, ldc: number, a: number, b: number, rowTiles: number, colTiles: number, k: number, mode: UpdateMode = {}): void {
    const args = this.arguments(c, ldc, a, b, rowTiles, colTiles, k, mode);
    if (!args) return;
    // a started update that the worker has already finished: join it (nothing left) and share this one
    if (this.pending && this.worker && Atomics.load(this.control, FINISHED) === this.sequence) this.finishUpdate();
    if (this.pending) { // the worker is busy with a started update: run this one here alone
      Atomics.store(this.counters, OWN_COUNTER / 4, 0);
      args[8] = OWN_COUNTER;
      this.run(args);
      return;
    }
    this.post(args);
    this.finishUpdate();
  }

  /**
   * Starts `update`'s work on the worker thread and returns at once; `finishUpdate` joins in and
   * waits. In between, this thread must not touch C or the packed A and B of the started update.
   */
  startUpdate(c: number, ldc: number, a: number, b: number, rowTiles: number, colTiles: number, k: number, mode: UpdateMode = {}): void {
    if (this.pending) throw new ParameterError('PackedGemm.startUpdate: an update is already running', 'call finishUpdate before starting another');
    const args = this.arguments(c, ldc, a, b, rowTiles, colTiles, k, mode);
    if (args) this.post(args);
  }

  /** Joins the started update (this thread claims chunks too) and waits until all of it is done. */
  finishUpdate(): void {
    const args = this.pending;
    if (!args) return;
    const t0 = performance.now();
    this.run(args);
    const t1 = performance.now();
    this.timings.own += t1 - t0;
    this.pending = null;
    if (!this.worker) return;
    waitForValue(this.control, FINISHED, this.sequence);
    this.timings.wait += performance.now() - t1;
    if (Atomics.load(this.control, FAILED) === 1) {
      this.worker = null;
      throw new Error('the PackedGemm worker thread failed; PackedGemm now runs on one thread');
    }
  }

  /** The kernel's arguments (byte addresses), or null for an empty update; checks the offsets. */
  private arguments(c: number, ldc: number, a: number, b: number, rowTiles: number, colTiles: number, k: number, mode: UpdateMode): number[] | null {
    if (k < 1 || rowTiles < 1 || colTiles < 1) return null;
    const end = Math.max(c + ((rowTiles * TILE_ROWS - 1) * ldc) + colTiles * TILE_COLS, a + rowTiles * TILE_ROWS * k, b + colTiles * TILE_COLS * k);
    if (end > this.view.length || c < 0 || a < 0 || b < 0 || c % 4 !== 0 || ldc % 4 !== 0) {
      throw new ShapeError(`PackedGemm.update: offsets (c ${c}, a ${a}, b ${b}, ldc ${ldc}) reach float ${end} of a ${this.view.length}-float workspace`,
        'reserve the workspace first and keep C 16-byte aligned');
    }
    const at = (floats: number) => HEADER_BYTES + 4 * floats;
    const chunk = Math.max(1, Math.min(this.chunkCols, Math.floor(colTiles / 8)));
    if (mode.upperB && colTiles * TILE_COLS > k) throw new ShapeError(`PackedGemm.update: an upper-triangular B needs k >= its ${colTiles * TILE_COLS} columns, got k = ${k}`, 'pass B as k x k');
    return [at(c), 4 * ldc, at(a), at(b), rowTiles, colTiles, k, mode.lower ? 1 : 0, SHARED_COUNTER, chunk, mode.overwrite ? 1 : 0, mode.upperB ? 1 : 0];
  }

  /** Resets the shared counter and hands the job to the worker (if there is one). */
  private post(args: number[]): void {
    Atomics.store(this.counters, SHARED_COUNTER / 4, 0);
    this.pending = args;
    if (!this.worker) return;
    this.control.set(args, ARGS);
    this.sequence += 1;
    Atomics.store(this.control, SEQUENCE, this.sequence);
    Atomics.notify(this.control, SEQUENCE);
  }

  private run(a: number[]): void {
    this.kernel(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]);
  }

  /**
   * Packs `rows` rows (from float offset `src`, row stride `ld` floats) and their first k columns
   * into tiles of `height` rows at `dst`: height 4 gives update's A, height 8 its B (the rows as
   * B's columns). rows must be a multiple of height and k of 4.
   */
  pack(src: number, ld: number, rows: number, k: number, dst: number, height: 4 | 8): void {
    if (rows === 0 || k === 0) return;
    if (rows % height !== 0 || k % 4 !== 0) throw new ShapeError(`PackedGemm.pack: ${rows} rows and ${k} columns do not fill tiles of ${height} x 4`, `pad the matrix to multiples of ${height} rows and 4 columns`);
    if (src < 0 || dst < 0 || src + (rows - 1) * ld + k > this.view.length || dst + rows * k > this.view.length) {
      throw new ShapeError(`PackedGemm.pack: rows from float ${src} or tiles at ${dst} lie outside the ${this.view.length}-float workspace`, 'reserve the workspace first');
    }
    this.packKernel(HEADER_BYTES + 4 * src, 4 * ld, rows, k, HEADER_BYTES + 4 * dst, height);
  }

  /**
   * Packs the k x (8 colTiles) block at float offset `src` (row stride `ld` floats) of a row-major
   * matrix, untransposed, as update's B (tiles of 8 columns).
   */
  packRows(src: number, ld: number, k: number, colTiles: number, dst: number): void {
    if (k === 0 || colTiles === 0) return;
    if (src < 0 || dst < 0 || src + (k - 1) * ld + 8 * colTiles > this.view.length || dst + 8 * colTiles * k > this.view.length) {
      throw new ShapeError(`PackedGemm.packRows: rows from float ${src} or tiles at ${dst} lie outside the ${this.view.length}-float workspace`, 'reserve the workspace first');
    }
    this.packRowsKernel(HEADER_BYTES + 4 * src, 4 * ld, k, colTiles, HEADER_BYTES + 4 * dst);
  }

  /**
   * Writes -U (or -U^T with `transposed`), U a size x size row-major float64 matrix, at float
   * offset `dst` as update's B (tiles of 8 columns): with `overwrite`, update then gives C = A U.
   * size must be a multiple of 8.
   */
  packNegated(u: Float64Array, size: number, dst: number, transposed = false): void {
    if (size % TILE_COLS !== 0 || u.length < size * size || dst < 0 || dst + size * size > this.view.length) {
      throw new ShapeError(`PackedGemm.packNegated: a ${size}x${size} block at float ${dst} does not fit whole tiles in the ${this.view.length}-float workspace`, `use a size that is a multiple of ${TILE_COLS} and reserve the workspace first`);
    }
    const v = this.view;
    for (let c = 0; c < size; c++) {
      const column = dst + Math.floor(c / TILE_COLS) * TILE_COLS * size + (c % TILE_COLS);
      for (let k = 0; k < size; k++) v[column + k * TILE_COLS] = -(transposed ? u[c * size + k] : u[k * size + c]);
    }
  }

  /** A float64 view of the workspace: float offset 2i is its index i. */
  view64(): Float64Array {
    return new Float64Array(this.memory.buffer, HEADER_BYTES, Math.floor(this.view.length / 2));
  }

  /** Checks that an n x n float64 block at even float offset `at` lies in the workspace. */
  private checkBlock64(at: number, n: number): number {
    if (at < 0 || at % 2 !== 0 || at + 2 * n * n > this.view.length) {
      throw new ShapeError(`PackedGemm: a ${n}x${n} float64 block at float ${at} is misaligned or outside the ${this.view.length}-float workspace`, 'reserve the workspace first and use an even offset');
    }
    return HEADER_BYTES + 4 * at;
  }

  /**
   * In-place Cholesky of the lower triangle of the n x n row-major float64 block at float offset
   * `at` (even). Returns -1, or the first pivot that is not positive, its value left on the diagonal.
   */
  choleskyBlock(at: number, n: number): number {
    return this.cholesky64(this.checkBlock64(at, n), n);
  }

  /** Writes (L^-1)^T of the lower-triangular n x n float64 block at `l` to the block at `u` (float offsets, even). */
  invertBlock(l: number, u: number, n: number): void {
    this.invert64(this.checkBlock64(l, n), this.checkBlock64(u, n), n);
  }

  /** Finishes a started update and stops the worker thread. */
  async dispose(): Promise<void> {
    this.finishUpdate();
    if (!this.worker) return;
    Atomics.store(this.control, STOP, 1);
    this.sequence += 1;
    Atomics.store(this.control, SEQUENCE, this.sequence);
    Atomics.notify(this.control, SEQUENCE);
    const w = this.worker;
    this.worker = null;
    await w.terminate();
  }
}

let shared: PackedGemm | null = null;

/** The process's shared PackedGemm (fused where this V8 allows, two threads). */
export function packedGemm(): PackedGemm {
  shared ??= new PackedGemm();
  return shared;
}
