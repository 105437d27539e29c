// The worker thread of DataParallel: its own wasm backend and its own copy of the model. It waits on
// the shared control word, loads the weights the main thread wrote, computes its shard's gradient,
// writes it back and signals. See data-parallel.ts.
import { parentPort, workerData } from 'worker_threads';
import * as tf from '../../core/tf';
import { initBackend } from '../../core/backend';
import { readValues, tensorFrom } from '../tensor-io';
import { Key } from '../../core/random';
import { CONTROL, ModelFactory, SharedBuffers, buildModel, shards } from './data-parallel';

async function main() {
  const { factory, buffers, index } = workerData as { factory: ModelFactory; buffers: SharedBuffers; index: number };
  const control = new Int32Array(buffers.control);
  const weights = new Float32Array(buffers.weights);
  const losses = new Float64Array(buffers.losses);
  let model;
  try {
    await initBackend({ quiet: true, threads: 1 }); // the workers are the threads
    model = await buildModel(factory);
  } catch (e) {
    parentPort!.postMessage({ error: String(e) });
    return;
  }
  const vars = model.variables;
  const total = vars.reduce((s, v) => s + v.size, 0);
  const gradients = new Float32Array(buffers.gradients, 4 * total * index, total);
  parentPort!.postMessage({ ready: true });
  let seen = 0;
  for (;;) {
    Atomics.wait(control, CONTROL.sequence, seen);
    seen = Atomics.load(control, CONTROL.sequence);
    if (Atomics.load(control, CONTROL.stop) !== 0) break;
    try {
      let offset = 0;
      for (const v of vars) {
        const value = tensorFrom(v.shape, (out) => out.set(weights.subarray(offset, offset + v.size)));
        v.assign(value); // the variable now holds the data; the temporary handle goes
        value.dispose();
        offset += v.size;
      }
      const key = Key.fromWords(Atomics.load(control, CONTROL.key0) >>> 0, Atomics.load(control, CONTROL.key1) >>> 0);
      const batch = Atomics.load(control, CONTROL.batch);
      const shard = shards(batch, control.length - CONTROL.done + 1)[index + 1];
      const { value, grads } = tf.variableGrads(() => model!.shardLoss(key, Atomics.load(control, CONTROL.step), shard), vars);
      losses[index] = value.dataSync()[0];
      readValues(vars.map((v) => grads[v.name]), (...values) => {
        let at = 0;
        for (const g of values) { gradients.set(g, at); at += g.length; }
      });
      tf.dispose([value, ...Object.values(grads)]);
      Atomics.store(new Int32Array(buffers.tensors), index, tf.memory().numTensors);
    } catch (e) {
      const text = new TextEncoder().encode(String(e instanceof Error ? e.stack ?? e.message : e)).slice(0, 2047);
      new Uint8Array(buffers.error).set(text);
      Atomics.store(control, CONTROL.failed, 1);
    }
    Atomics.store(control, CONTROL.done + index, seen);
    Atomics.notify(control, CONTROL.done + index);
  }
}

main().catch((e) => { parentPort?.postMessage({ error: String(e) }); });
