// The wasm Concat kernel that copies short runs value by value joins exactly what tf.concat joins, and
// the Pack kernel on the same join stacks exactly what tf.stack stacks.
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import * as tf from '../../lib/core/tf';
import { joinRows } from '../../lib/engine/wasm-concat';
import { ourCallsOf } from '../../lib/engine/wasm-kernels';
import { ENGINE } from '../helpers';

type Nested = number | Nested[];

/** Concatenation by its definition, on nested arrays: join the lists found at depth `axis`. */
function concatNested(parts: Nested[], axis: number): Nested {
  if (axis === 0) return (parts as Nested[][]).flat(1);
  const first = parts[0] as Nested[];
  return first.map((_, i) => concatNested(parts.map((p) => (p as Nested[])[i]), axis - 1));
}

const concatCase = fc.integer({ min: 1, max: 4 }).chain((rank) => fc.record({
  shape: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: rank, maxLength: rank }),
  axis: fc.integer({ min: 0, max: rank - 1 }),
  sizes: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 4 }),
  dtype: fc.constantFrom('float32', 'int32', 'bool') as fc.Arbitrary<'float32' | 'int32' | 'bool'>,
}));

describe('wasm Concat', () => {
  it('joins any inputs along any axis as the definition does (short and long runs, empty inputs, three dtypes)', () => {
    expect(tf.getBackend()).toBe('wasm');
    let seed = 1;
    fc.assert(fc.property(concatCase, ({ shape, axis, sizes, dtype }) => {
      const tensors = sizes.map((size) => {
        const s = shape.map((d, a) => (a === axis ? size : d));
        const n = s.reduce((p, d) => p * d, 1);
        const values = Array.from({ length: n }, (_, k) => (dtype === 'bool' ? (k * 7 + seed) % 3 === 0 : dtype === 'int32' ? k * 13 - seed : Math.sin(k + seed)));
        seed++;
        return tf.tensor(values as number[], s, dtype);
      });
      const before = tf.memory().numTensors;
      const joined = tf.concat(tensors, axis);
      expect(joined.dtype).toBe(dtype);
      expect(joined.shape).toEqual(shape.map((d, a) => (a === axis ? sizes.reduce((p, q) => p + q, 0) : d)));
      // empty inputs add nothing (and tfjs's arraySync gives [] for them, whatever their shape)
      const nonEmpty = tensors.filter((t) => t.size > 0);
      if (nonEmpty.length > 0) expect(joined.arraySync()).toEqual(concatNested(nonEmpty.map((t) => t.arraySync() as Nested), axis));
      joined.dispose();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose(tensors);
    }), { numRuns: 150, seed: 11 });
  });

  it('stacks any equal inputs along any axis as the definition does (three dtypes, empty ones), through our kernel', () => {
    const stackCase = fc.integer({ min: 0, max: 3 }).chain((rank) => fc.record({
      shape: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: rank, maxLength: rank }),
      axis: fc.integer({ min: -rank - 1, max: rank }),
      count: fc.integer({ min: 2, max: 5 }),
      dtype: fc.constantFrom('float32', 'int32', 'bool') as fc.Arbitrary<'float32' | 'int32' | 'bool'>,
    }));
    const calls = ourCallsOf(tf.Pack);
    let seed = 1;
    fc.assert(fc.property(stackCase, ({ shape, axis, count, dtype }) => {
      const n = shape.reduce((p, d) => p * d, 1);
      const tensors = Array.from({ length: count }, () => {
        const values = Array.from({ length: n }, (_, k) => (dtype === 'bool' ? (k * 5 + seed) % 3 === 0 : dtype === 'int32' ? k * 11 - seed : Math.cos(k + seed)));
        seed++;
        return tf.tensor(values as number[], shape, dtype);
      });
      const before = tf.memory().numTensors;
      const stacked = tf.stack(tensors, axis);
      const at = axis < 0 ? axis + shape.length + 1 : axis;
      // stacking is concatenating the inputs with a new axis of length 1
      const expected = tf.tidy(() => tf.concat(tensors.map((t) => tf.expandDims(t, at)), at));
      expect(stacked.dtype).toBe(dtype);
      expect(stacked.shape).toEqual(expected.shape);
      expect(Array.from(stacked.dataSync())).toEqual(Array.from(expected.dataSync()));
      tf.dispose([stacked, expected]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose(tensors);
    }), { numRuns: 120, seed: 12 });
    if (ENGINE) expect(ourCallsOf(tf.Pack)).toBeGreaterThan(calls);
    expect(() => tf.stack([tf.zeros([2]), tf.zeros([3])])).toThrow(/matching shapes/);
  });

  it('joinRows copies runs shorter and longer than 16 values in row order', () => {
    const a = Float32Array.from({ length: 6 }, (_, k) => k); // 3 rows of 2
    const b = Float32Array.from({ length: 60 }, (_, k) => 100 + k); // 3 rows of 20
    const out = new Float32Array(66);
    joinRows([a, b], [2, 20], 3, out);
    const expected = [0, 1].concat(Array.from({ length: 20 }, (_, k) => 100 + k), [2, 3], Array.from({ length: 20 }, (_, k) => 120 + k),
      [4, 5], Array.from({ length: 20 }, (_, k) => 140 + k));
    expect(Array.from(out)).toEqual(expected);
  });

  it('gradients flow back through the slices of each input', () => {
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const y = tf.tensor2d([[5], [6]]);
    const w = tf.tensor2d([[1, 10, 100], [1000, 10000, 100000]]);
    const [gx, gy] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.concat([a, b], 1), w)))([x, y]);
    expect(gx.arraySync()).toEqual([[1, 10], [1000, 10000]]);
    expect(gy.arraySync()).toEqual([[100], [100000]]);
    tf.dispose([x, y, w, gx, gy]);
  });
});
