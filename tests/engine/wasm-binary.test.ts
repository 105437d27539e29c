// Our Add, Sub, Multiply and RealDiv on the wasm heap (lib/engine/wasm-binary.ts): the layouts it
// takes, and every value equal to the float32 operation (Math.fround of the exact result, which is
// what IEEE float32 arithmetic gives) for random shapes of each broadcast, either operand broadcast.
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import * as tf from '../../lib/core/tf';
import { binaryLayout } from '../../lib/engine/wasm-binary';
import { ourCallsOf } from '../../lib/engine/wasm-kernels';
import { ENGINE, expectNoLeak } from '../helpers';

const binaryCalls = () => ourCallsOf(tf.Add, tf.Sub, tf.Multiply, tf.RealDiv);

const OPS: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, (x: number, y: number) => number][] = [
  ['add', tf.add, (x, y) => x + y], ['sub', tf.sub, (x, y) => x - y], ['mul', tf.mul, (x, y) => x * y], ['div', tf.div, (x, y) => x / y]];

/** Index of the broadcast operand's value for output index i (row-major, numpy broadcasting). */
function broadcastIndex(i: number, out: number[], shape: number[]): number {
  const padded = [...Array(out.length - shape.length).fill(1), ...shape];
  let index = 0;
  let stride = 1;
  let rest = i;
  const coords = out.map(() => 0);
  for (let d = out.length - 1; d >= 0; d--) { coords[d] = rest % out[d]; rest = Math.floor(rest / out[d]); }
  for (let d = out.length - 1; d >= 0; d--) { if (padded[d] !== 1) index += coords[d] * stride; stride *= padded[d]; }
  return index;
}

describe('element-wise arithmetic on our kernels', () => {
  it('finds the layout of each broadcast it covers, and declines the others', () => {
    expect(binaryLayout([256, 2], [256, 2])).toEqual({ rows: 1, cols: 512, mode: 0, swapped: false });
    expect(binaryLayout([256, 2], [2])).toEqual({ rows: 256, cols: 2, mode: 1, swapped: false });
    expect(binaryLayout([2], [256, 2])).toEqual({ rows: 256, cols: 2, mode: 1, swapped: true });
    expect(binaryLayout([4, 3, 5], [1, 3, 5])).toEqual({ rows: 4, cols: 15, mode: 1, swapped: false });
    expect(binaryLayout([256, 2], [256, 1])).toEqual({ rows: 256, cols: 2, mode: 2, swapped: false });
    expect(binaryLayout([], [7, 3])).toEqual({ rows: 1, cols: 21, mode: 2, swapped: true });
    expect(binaryLayout([1, 6], [6])).toEqual({ rows: 1, cols: 6, mode: 0, swapped: false });
    expect(binaryLayout([4, 1], [1, 5])).toBeNull(); // both broadcast
    expect(binaryLayout([4, 3, 5], [4, 1, 5])).toBeNull(); // a middle axis
    expect(binaryLayout([0, 3], [3])).toBeNull();
  });

  it.runIf(ENGINE)('gives the float32 operation bit for bit, for every covered broadcast and either operand order, through our kernel', async () => {
    const calls = binaryCalls();
    let runs = 0;
    const shapes = fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 11 }), fc.integer({ min: 1, max: 3 }))
      .chain(([rows, cols, lead]) => {
        const out = lead === 3 ? [lead, rows, cols] : [rows, cols];
        const other = fc.constantFrom(out, [cols], [1, cols], [...out.slice(0, -1), 1], [], [1]);
        return fc.tuple(fc.constant(out), other, fc.boolean(), fc.integer({ min: 0, max: 3 }));
      });
    await expectNoLeak(() => fc.assert(fc.property(shapes, ([out, other, swap, op]) => {
      const [aShape, bShape] = swap ? [other, out] : [out, other];
      const size = (s: number[]) => s.reduce((p, v) => p * v, 1);
      const a = Float32Array.from({ length: size(aShape) }, (_, i) => Math.sin(i + 1) * 3);
      const b = Float32Array.from({ length: size(bShape) }, (_, i) => Math.cos(i) * 2 + 0.5);
      const [, f, exact] = OPS[op];
      const got = tf.tidy(() => f(tf.tensor(a, aShape), tf.tensor(b, bShape)).dataSync());
      const expected = Array.from({ length: size(out) }, (_, i) => Math.fround(exact(a[broadcastIndex(i, out, aShape)], b[broadcastIndex(i, out, bShape)])));
      expect(Array.from(got)).toEqual(expected);
      runs++;
    }), { numRuns: 200, seed: 3 }));
    expect(binaryCalls() - calls).toBe(runs);
  });

  it('leaves int32 and uncovered broadcasts to tfjs, with the right values', () => {
    const calls = binaryCalls();
    tf.tidy(() => {
      expect(Array.from(tf.add(tf.tensor1d([1, 2], 'int32'), tf.tensor1d([3, 4], 'int32')).dataSync())).toEqual([4, 6]);
      expect(Array.from(tf.mul(tf.tensor2d([1, 2, 3, 4], [4, 1]), tf.tensor2d([1, 10], [1, 2])).dataSync())).toEqual([1, 10, 2, 20, 3, 30, 4, 40]);
    });
    expect(binaryCalls()).toBe(calls);
  });
});
