// Data-parallel training on both cores. The tfjs wasm backend runs on one thread, so a training step
// uses one core. Here the batch is split into shards: the main thread computes the gradient of its shard
// while worker threads, each with its own wasm backend and its own copy of the model, compute theirs.
// Weights go out and gradients come back through SharedArrayBuffers (no copies through messages), and
// the main thread sums the shards' gradients and takes the optimizer step.
//
// A model is built in every thread by the same factory (a module path, an exported function name and
// JSON options), so a worker needs no code from the caller. Each shard's loss is its share of the batch
// mean, and its noise is keyed by example, not by shard, so the summed gradient equals the one-thread
// gradient up to float rounding, whatever the number of workers.
import * as path from 'path';
import { Worker } from 'worker_threads';
import { parallelProduct } from '../heap-kernels';
import { engineOn } from '../switch';
import * as tf from '../../core/tf';
import { readValues, tensorFrom } from '../tensor-io';
import { Key } from '../../core/random';
import { BackendError, ParameterError, checkInt } from '../../core/errors';
import { waitForValue } from '../../core/wait';

/** Examples start..end-1 of a batch of `batch` examples. */
export interface Shard {
  start: number;
  end: number;
  batch: number;
}

export interface ShardedModel {
  variables: tf.Variable[];
  /**
   * The shard's part of the batch loss: the sum over its examples of their losses divided by the batch
   * size, so that the shards' losses and gradients add up to the batch mean. Randomness must be keyed by
   * the example's position in the batch (key.foldIn(i)), never by the shard.
   */
  shardLoss(key: Key, step: number, shard: Shard): tf.Scalar;
  dispose?(): void;
}

/** How every thread builds the model: require(module)[name](options). */
export interface ModelFactory {
  module: string;
  name: string;
  options: unknown;
}

export async function buildModel(factory: ModelFactory): Promise<ShardedModel> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const mod = require(factory.module) as Record<string, (o: unknown) => ShardedModel | Promise<ShardedModel>>;
  if (typeof mod[factory.name] !== 'function') throw new ParameterError(`${factory.module} exports no function ${factory.name}`, 'pass the compiled module path and the name of its model factory');
  return mod[factory.name](factory.options);
}

/** The shards of a batch split between `parts` threads, as evenly as possible. */
export function shards(batch: number, parts: number): Shard[] {
  checkInt('batch', batch, parts);
  return Array.from({ length: parts }, (_, i) => ({ start: Math.floor((i * batch) / parts), end: Math.floor(((i + 1) * batch) / parts), batch }));
}

// control words in the shared Int32Array
export const CONTROL = { sequence: 0, step: 1, key0: 2, key1: 3, batch: 4, stop: 5, failed: 6, done: 8 } as const;
export const ERROR_BYTES = 2048;

export interface SharedBuffers {
  control: SharedArrayBuffer;
  weights: SharedArrayBuffer;
  gradients: SharedArrayBuffer;
  losses: SharedArrayBuffer;
  error: SharedArrayBuffer;
  /** Each worker's tf.memory().numTensors after its last step, so that leaks in a worker are visible. */
  tensors: SharedArrayBuffer;
}

export class DataParallel {
  private sequence = 0;
  private readonly control: Int32Array;
  private readonly weights: Float32Array;
  private readonly gradients: Float32Array;
  private readonly losses: Float64Array;
  private readonly error: Uint8Array;
  private readonly tensors: Int32Array;
  private readonly offsets: number[];
  private readonly total: number;
  /** Milliseconds spent so far in this thread's shard, waiting for the workers, and summing and applying gradients. */
  readonly timings = { publish: 0, own: 0, wait: 0, combine: 0 };

  private constructor(readonly model: ShardedModel, private readonly workers: Worker[], buffers: SharedBuffers) {
    this.control = new Int32Array(buffers.control);
    this.weights = new Float32Array(buffers.weights);
    this.gradients = new Float32Array(buffers.gradients);
    this.losses = new Float64Array(buffers.losses);
    this.error = new Uint8Array(buffers.error);
    this.tensors = new Int32Array(buffers.tensors);
    this.offsets = [];
    let offset = 0;
    for (const v of model.variables) { this.offsets.push(offset); offset += v.size; }
    this.total = offset;
  }

  /**
   * Builds the model here and in `workers` worker threads (0 runs everything on this thread). The worker
   * threads run the compiled library, so `factory.module` must be a compiled .js module.
   */
  static async start(factory: ModelFactory, workers = 1): Promise<DataParallel> {
    if (!engineOn()) throw new BackendError('data-parallel training shares the wasm heap between threads, which needs the engine', 'unset VI_ENGINE=stock, or train on one thread');
    checkInt('workers', workers, 0);
    const model = await buildModel(factory);
    const total = model.variables.reduce((s, v) => s + v.size, 0);
    const buffers: SharedBuffers = {
      control: new SharedArrayBuffer(4 * (CONTROL.done + workers)),
      weights: new SharedArrayBuffer(4 * total),
      gradients: new SharedArrayBuffer(4 * total * workers),
      losses: new SharedArrayBuffer(8 * Math.max(1, workers)),
      error: new SharedArrayBuffer(ERROR_BYTES),
      tensors: new SharedArrayBuffer(4 * Math.max(1, workers)),
    };
    const script = path.join(__dirname, 'worker.js');
    const threads = Array.from({ length: workers }, (_, index) => new Worker(script, { workerData: { factory, buffers, index } }));
    // each worker reports once its backend and model are ready
    await Promise.all(threads.map((w) => new Promise<void>((resolve, reject) => {
      w.once('message', (m: { ready?: boolean; error?: string }) => (m.ready ? resolve() : reject(new Error(`worker failed to start: ${m.error}`))));
      w.once('error', reject);
    })));
    return new DataParallel(model, threads, buffers);
  }

  get threads(): number {
    return this.workers.length + 1;
  }

  /** One optimizer step on a batch of `batch` examples; returns the batch loss. */
  step(key: Key, step: number, batch: number, optimizer: tf.Optimizer): number {
    // the workers are the other threads: no second thread for this thread's matrix products
    const split = parallelProduct.enabled;
    parallelProduct.enabled = split && this.workers.length === 0;
    try {
      return this.stepOnThreads(key, step, batch, optimizer);
    } finally {
      parallelProduct.enabled = split;
    }
  }

  private stepOnThreads(key: Key, step: number, batch: number, optimizer: tf.Optimizer): number {
    const parts = shards(batch, this.threads);
    const vars = this.model.variables;
    let t = performance.now();
    const lap = (field: keyof DataParallel['timings']) => { const now = performance.now(); this.timings[field] += now - t; t = now; };
    if (this.workers.length > 0) {
      // straight from the heap into shared memory: dataSync's fresh arrays cost their page faults each step
      readValues(vars, (...values) => values.forEach((v, i) => this.weights.set(v, this.offsets[i])));
      const c = this.control;
      Atomics.store(c, CONTROL.step, step);
      Atomics.store(c, CONTROL.key0, key.words[0] | 0);
      Atomics.store(c, CONTROL.key1, key.words[1] | 0);
      Atomics.store(c, CONTROL.batch, batch);
      this.sequence += 1;
      Atomics.store(c, CONTROL.sequence, this.sequence);
      Atomics.notify(c, CONTROL.sequence);
    }
    lap('publish');
    const own = tf.variableGrads(() => this.model.shardLoss(key, step, parts[0]), vars);
    let loss = own.value.dataSync()[0];
    own.value.dispose();
    lap('own');
    for (let w = 0; w < this.workers.length; w++) {
      const slot = CONTROL.done + w;
      waitForValue(this.control, slot, this.sequence, 100);
      if (Atomics.load(this.control, CONTROL.failed) !== 0) {
        const text = new TextDecoder().decode(this.error.slice()).replace(/\0+$/, '');
        tf.dispose(Object.values(own.grads));
        throw new Error(`a data-parallel worker failed: ${text}`);
      }
      loss += this.losses[w];
    }
    lap('wait');
    const grads: tf.NamedTensorMap = {};
    vars.forEach((v, i) => {
      // each worker's gradient copied from shared memory into the heap (no fresh array), then summed by tfjs's SIMD kernel
      grads[v.name] = tf.tidy(() => {
        let g: tf.Tensor = own.grads[v.name];
        for (let w = 0; w < this.workers.length; w++) {
          const start = w * this.total + this.offsets[i];
          g = tf.add(g, tensorFrom(v.shape, (out) => out.set(this.gradients.subarray(start, start + v.size))));
        }
        return g;
      });
    });
    optimizer.applyGradients(grads);
    tf.dispose([...Object.values(grads), ...Object.values(own.grads)]);
    lap('combine');
    return loss;
  }

  /** The number of live tensors in each worker after its last step. */
  workerTensors(): number[] {
    return Array.from(this.tensors.slice(0, this.workers.length));
  }

  /** Stops the workers (and disposes the model here). */
  async stop(): Promise<void> {
    Atomics.store(this.control, CONTROL.stop, 1);
    this.sequence += 1;
    Atomics.store(this.control, CONTROL.sequence, this.sequence);
    Atomics.notify(this.control, CONTROL.sequence);
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.model.dispose?.();
  }
}
