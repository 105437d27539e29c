import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { readValues, tensorFrom } from '../../lib/engine/tensor-io';

describe('reading and writing tensor values without extra copies (lib/engine/tensor-io.ts)', () => {
  let initial = '';
  beforeAll(() => { initial = tf.getBackend(); }); // after tests/setup.ts has chosen the backend
  afterAll(async () => { await tf.setBackend(initial); });

  it.each(['wasm', 'cpu'])('on %s: writes from an input, and releases the output when the writer throws', async (backend) => {
    expect(await tf.setBackend(backend)).toBe(true);
    const a = tf.tensor2d([[1, 2], [3, 4]]);
    const copy = tensorFrom<tf.Rank.R2>([2, 2], (out, input) => out.set(input!), a);
    expect(Array.from(copy.dataSync())).toEqual([1, 2, 3, 4]);
    const doubled = tensorFrom<tf.Rank.R2>([2, 2], (out, input) => { for (let i = 0; i < 4; i++) out[i] = 2 * input![i]; }, a);
    expect(doubled.shape).toEqual([2, 2]);
    expect(Array.from(doubled.dataSync())).toEqual([2, 4, 6, 8]);
    const sum = tensorFrom<tf.Rank.R2>([2, 2], (out, x, y) => { for (let i = 0; i < 4; i++) out[i] = x[i] + 10 * y[i]; }, [a, doubled]);
    expect(Array.from(sum.dataSync())).toEqual([21, 42, 63, 84]);
    sum.dispose();
    // the backend's own count: an output allocated but never wrapped in a tensor is invisible to tf.memory()
    const counts = () => [tf.memory().numTensors, tf.memory().numBytes, tf.backend().numDataIds()];
    const before = counts();
    expect(() => tensorFrom([2, 2], () => { throw new Error('writer failed'); })).toThrow('writer failed');
    expect(counts()).toEqual(before);
    const ints = tf.tensor1d([1, 2], 'int32');
    expect(() => tensorFrom([2], () => undefined, ints)).toThrow(/reads float32 tensors, got int32/);
    expect(() => tensorFrom([2], () => undefined, [a, ints])).toThrow(/reads float32 tensors, got int32/);
    tf.dispose([a, copy, doubled, ints]);
  });

  it.each(['wasm', 'cpu'])('on %s: reads the values of several tensors in one call, without leaving tensors', async (backend) => {
    expect(await tf.setBackend(backend)).toBe(true);
    const a = tf.tensor2d([[1, 2], [3, 4]]);
    const b = tf.add(a, 0.5);
    const before = tf.memory().numTensors;
    const seen: number[][] = [];
    readValues([a, b], (x, y) => seen.push(Array.from(x), Array.from(y)));
    expect(seen).toEqual([[1, 2, 3, 4], [1.5, 2.5, 3.5, 4.5]]);
    expect(tf.memory().numTensors).toBe(before);
    const ints = tf.tensor1d([1, 2], 'int32');
    expect(() => readValues([a, ints], () => undefined)).toThrow(/reads float32 tensors, got int32/);
    tf.dispose([a, b, ints]);
  });
});
