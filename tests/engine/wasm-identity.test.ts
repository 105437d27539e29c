// Identity and same-dtype Cast share memory on the wasm backend (lib/engine/wasm-identity.ts): the
// clone reads the same bytes, outlives its source, and the memory goes when the last one goes;
// casts that change the dtype still convert; gradients and Adam steps give the same numbers.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { adam } from '../../lib/core/adam';
import { Dense } from '../../lib/nn';
import { Key } from '../../lib/core/random';
import { ENGINE } from '../helpers';

const onWasm = () => tf.getBackend() === 'wasm';
const offset = (t: tf.Tensor) => (tf.backend() as unknown as { getMemoryOffset(id: object): number }).getMemoryOffset(t.dataId);

describe('Identity and Cast without copies', () => {
  it.runIf(ENGINE)('a clone shares its source\'s memory, outlives it, and frees it last', () => {
    const before = tf.memory();
    const dataIds = tf.engine().backend.numDataIds();
    const x = tf.tensor2d([[1, -2.5], [3, 4]]);
    const y = tf.clone(x);
    const z = tf.cast(x, 'float32');
    if (onWasm()) {
      expect(offset(y)).toBe(offset(x));
      expect(offset(z)).toBe(offset(x));
    }
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, -2.5, 3, 4]);
    y.dispose();
    expect(Array.from(z.dataSync())).toEqual([1, -2.5, 3, 4]);
    z.dispose();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    expect(tf.engine().backend.numDataIds()).toBe(dataIds);
  });

  it.runIf(ENGINE)('a cast to another dtype still converts, into memory of its own, and to bool tests for non-zero', () => {
    const x = tf.tensor1d([1.75, -2.25, 0, 0.5, -0]);
    const [i, b] = [tf.cast(x, 'int32'), tf.cast(x, 'bool')];
    expect(Array.from(i.dataSync())).toEqual([1, -2, 0, 0, 0]);
    expect(Array.from(b.dataSync())).toEqual([1, 1, 0, 1, 0]);
    if (onWasm()) expect(offset(i)).not.toBe(offset(x));
    const s = tf.tensor1d(['a', 'b'], 'string');
    expect(tf.clone(s).arraySync()).toEqual(['a', 'b']);
    tf.dispose([x, i, b, s]);
  });

  it('training steps, whose tape clones every saved tensor, give the same weights as on the CPU backend and leak nothing', async () => {
    const run = () => {
      const layer = new Dense(3, 2, 'relu', Key.fromSeed(1));
      const x = tf.tensor2d([[0.5, -1, 2], [1, 0.25, -0.5], [-2, 1, 1]]);
      const optimizer = adam(0.05);
      const step = () => optimizer.minimize(() => tf.sum(tf.square(layer.apply(x))) as tf.Scalar, false, layer.variables);
      step(); // creates Adam's moments
      const numTensors = tf.memory().numTensors;
      for (let s = 0; s < 4; s++) step();
      expect(tf.memory().numTensors).toBe(numTensors);
      const out = [layer.weight.arraySync(), layer.bias.arraySync()];
      optimizer.dispose();
      layer.dispose();
      x.dispose();
      return out;
    };
    const backend = tf.getBackend();
    const ours = run();
    await tf.setBackend('cpu');
    const cpu = run();
    await tf.setBackend(backend);
    const flat = (v: unknown) => (v as number[][]).flat(2) as number[];
    flat(ours).forEach((w, i) => expect(w).toBeCloseTo(flat(cpu)[i], 5));
  });
});
