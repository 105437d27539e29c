// The engine's Tile, Reverse, Unpack, SplitV and GatherV2 kernels move exactly the values tfjs's own move.
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import * as tf from '../../lib/core/tf';
import { initBackend } from '../../lib/core/backend';
import { tileRows } from '../../lib/engine/wasm-tile';
import { reverseRows } from '../../lib/engine/wasm-reverse';
import { ourKernelCalls } from '../../lib/engine/wasm-kernels';
import { ENGINE, onWasmAndCpu } from '../helpers';

/** Row-major coordinates of flat index `flat` in `shape`. */
function coordinates(flat: number, shape: number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let a = shape.length - 1; a >= 0; a--) {
    out[a] = flat % shape[a];
    flat = Math.floor(flat / shape[a]);
  }
  return out;
}
const flatIndex = (c: number[], shape: number[]) => c.reduce((f, v, a) => f * shape[a] + v, 0);
const iota = (n: number) => Float32Array.from({ length: n }, (_, i) => i + 0.5);
const size = (shape: number[]) => shape.reduce((p, s) => p * s, 1);

const shapeCase = fc.integer({ min: 1, max: 4 }).chain((rank) => fc.array(fc.integer({ min: 1, max: 20 }), { minLength: rank, maxLength: rank }));

describe('row-copy Tile and Reverse, by definition', () => {
  it('tileRows: out[c] = x[c mod shape] for ranks 1 to 4, short and long rows', () => {
    fc.assert(fc.property(shapeCase.chain((shape) => fc.tuple(fc.constant(shape),
      fc.array(fc.integer({ min: 1, max: 3 }), { minLength: shape.length, maxLength: shape.length }))), ([shape, reps]) => {
      const outShape = shape.map((d, a) => d * reps[a]);
      const x = iota(size(shape));
      const out = new Float32Array(size(outShape));
      tileRows(x, shape, reps, out);
      const expected = Array.from(out, (_, i) => x[flatIndex(coordinates(i, outShape).map((v, a) => v % shape[a]), shape)]);
      expect(Array.from(out)).toEqual(expected);
    }), { numRuns: 150, seed: 12 });
  });

  it('reverseRows: out[c] = x[c with the chosen axes counted from the end]', () => {
    fc.assert(fc.property(shapeCase.chain((shape) => fc.tuple(fc.constant(shape), fc.subarray(shape.map((_, a) => a)))), ([shape, axes]) => {
      const x = iota(size(shape));
      const out = new Float32Array(size(shape));
      reverseRows(x, shape, axes, out);
      const expected = Array.from(out, (_, i) => x[flatIndex(coordinates(i, shape).map((v, a) => (axes.includes(a) ? shape[a] - 1 - v : v)), shape)]);
      expect(Array.from(out)).toEqual(expected);
    }), { numRuns: 150, seed: 13 });
  });
});

describe.skipIf(!ENGINE)('the engine kernels against tfjs on the cpu backend', () => {
  /**
   * Runs f on the wasm and on the cpu backend: the same shapes, dtypes and values bit for bit, and the
   * same gradient of a weighted sum to 1e-6 (its reductions may add in another order); no tensor left.
   */
  async function sameOnCpu(shape: number[], f: (x: tf.Tensor) => tf.Tensor | tf.Tensor[], dtype: 'float32' | 'int32' = 'float32', withGradient = true) {
    const values = Float32Array.from({ length: size(shape) }, (_, i) => (dtype === 'int32' ? i - 7 : Math.sin(i)));
    const run = () => {
      const x = tf.tensor(values, shape, dtype);
      const ys = [f(x)].flat();
      const out = { shapes: ys.map((y) => `${y.dtype} [${y.shape}]`), values: ys.map((y) => y.dataSync()), grad: new Float32Array(0) };
      if (dtype === 'float32' && withGradient) {
        const weighted = (v: tf.Tensor) => tf.addN([f(v)].flat().map((y, i) => tf.sum(tf.mul(y, tf.sin(tf.add(tf.range(0, y.size).reshape(y.shape), i))))));
        const g = tf.grad(weighted)(x);
        out.grad = g.dataSync() as Float32Array;
        g.dispose();
      }
      tf.dispose([x, ...ys]);
      return out;
    };
    const { wasm, cpu } = await onWasmAndCpu(run);
    expect(wasm.shapes).toEqual(cpu.shapes);
    // first differing value, not a diff of arrays of 100,000 values
    wasm.values.forEach((v, i) => expect(v.findIndex((e, j) => !Object.is(e, cpu.values[i][j])), `output ${i}: first value that differs`).toBe(-1));
    expect(wasm.grad.findIndex((e, j) => !(Math.abs(e - cpu.grad[j]) <= 1e-6 * (1 + Math.abs(cpu.grad[j])))), 'first gradient entry that differs').toBe(-1);
  }

  it('tile, reverse, unstack, split and gather give tfjs cpu values and gradients, bit for bit, without leaking', async () => {
    expect(await initBackend({ quiet: true })).toBe('wasm');
    await sameOnCpu([20, 28, 28], (x) => tf.tile(x, [3, 1, 1])); // the sequence models' particles
    await sameOnCpu([5, 3, 40], (x) => tf.tile(x, [2, 3, 2])); // long rows repeated in place
    await sameOnCpu([7], (x) => tf.tile(x, [4]));
    await sameOnCpu([6, 5], (x) => tf.tile(x, [2, 3]), 'int32');
    await sameOnCpu([10, 28, 64], (x) => tf.reverse(x, 1)); // sequences in time
    await sameOnCpu([4, 5, 6], (x) => tf.reverse(x, [0, 2]));
    await sameOnCpu([9], (x) => tf.reverse(x), 'int32');
    await sameOnCpu([10, 28, 64], (x) => tf.unstack(x, 1));
    await sameOnCpu([3, 4, 5, 6], (x) => tf.unstack(x, 3));
    await sameOnCpu([6, 5], (x) => tf.unstack(x, 0), 'int32');
    await sameOnCpu([100, 128], (x) => tf.split(x, 2, 1)); // a gate's two halves
    await sameOnCpu([4, 30, 5], (x) => tf.split(x, [7, 20, 3], 1));
    await sameOnCpu([8, 6], (x) => tf.split(x, [5, 3], 0), 'int32');
    const rows = tf.tensor1d([5, 0, 5, 99, 42], 'int32'), grid = tf.tensor2d([[9, 0], [3, 3]], undefined, 'int32');
    const columns = tf.tensor1d([6, 1], 'int32');
    // (gather's gradient needs UnsortedSegmentSum, which tfjs's wasm backend does not have)
    await sameOnCpu([100, 40], (x) => tf.gather(x, rows), 'float32', false); // a batch of rows, one of them twice
    await sameOnCpu([3, 10, 4], (x) => tf.gather(x, grid, 1), 'float32', false);
    await sameOnCpu([6, 7], (x) => tf.gather(x, columns, 1), 'int32');
    // single values along the last axis, repeated and out of order, as image patches are cut
    const patch = tf.tensor1d([0, 1, 4, 5, 16, 4, 4, 0, 15], 'int32');
    await sameOnCpu([3, 17], (x) => tf.gather(x, patch, 1), 'float32', false);
    tf.dispose([rows, grid, columns, patch]);
    const x = tf.ones([4, 3]);
    const bad = tf.tensor1d([1, 4], 'int32');
    expect(() => tf.gather(x, bad)).toThrow('GatherV2: the index value 4 is not in [0, 3]');
    tf.dispose([x, bad]);
    // every case ran our kernel on wasm, not tfjs's (the gradients call some of them again)
    for (const [kernel, cases] of [[tf.Tile, 4], [tf.Reverse, 3], [tf.Unpack, 3], [tf.SplitV, 3], [tf.GatherV2, 3]] as const) {
      expect(ourKernelCalls[kernel], `calls of our ${kernel}`).toBeGreaterThanOrEqual(cases);
    }
  });
});
