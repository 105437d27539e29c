// The in-place wasm Slice kernel copies exactly the slice that tfjs's own kernel copies.
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import * as tf from '../../lib/core/tf';
import { initBackend } from '../../lib/core/backend';
import { copySlice } from '../../lib/engine/wasm-slice';

/** The slice by its definition: out[i...] = x[begin + i...], row-major. */
function sliceByIndex(x: Float32Array, shape: number[], begin: number[], size: number[]): Float32Array {
  const strides = tf.util.computeStrides(shape);
  const out = new Float32Array(size.reduce((p, s) => p * s, 1));
  for (let flat = 0; flat < out.length; flat++) {
    let rem = flat;
    let from = 0;
    for (let a = shape.length - 1; a >= 0; a--) {
      const i = rem % size[a];
      rem = Math.floor(rem / size[a]);
      from += (begin[a] + i) * (a === shape.length - 1 ? 1 : strides[a]);
    }
    out[flat] = x[from];
  }
  return out;
}

const sliceCase = fc.integer({ min: 1, max: 5 }).chain((rank) => fc.tuple(
  ...Array.from({ length: rank }, () => fc.integer({ min: 1, max: 40 }).chain((dim) =>
    fc.integer({ min: 0, max: dim - 1 }).chain((b) => fc.tuple(fc.constant(dim), fc.constant(b), fc.integer({ min: 0, max: dim - b }))))),
));

describe('in-place wasm Slice', () => {
  it('copySlice equals the slice by definition for every rank from 1 to 5, short and long rows, empty slices', () => {
    fc.assert(fc.property(sliceCase, (axes) => {
      const shape = axes.map((a) => a[0]);
      const begin = axes.map((a) => a[1]);
      const size = axes.map((a) => a[2]);
      const x = Float32Array.from({ length: shape.reduce((p, s) => p * s, 1) }, (_, i) => i + 0.5);
      const out = new Float32Array(size.reduce((p, s) => p * s, 1));
      copySlice(x, shape, begin, size, out);
      expect(Array.from(out)).toEqual(Array.from(sliceByIndex(x, shape, begin, size)));
    }), { numRuns: 150, seed: 11 });
  });

  it('tf.slice on the wasm backend gives the same values and gradient as on the cpu backend, without leaking', async () => {
    const name = await initBackend({ quiet: true });
    expect(name).toBe('wasm');
    const cases: [number[], number[], number[]][] = [
      [[300, 200], [10, 20], [100, 150]], // rows of 150: one set() per row
      [[300, 200], [10, 20], [100, 3]], // short rows: element loop
      [[300, 200], [7, 0], [50, 200]], // contiguous
      [[4, 5, 6, 7], [1, 2, 0, 3], [2, -1, 6, 4]], // rank 4, size -1
      [[3, 4, 5, 6, 7], [0, 1, 1, 2, 2], [3, 2, 3, 2, 5]], // rank 5
    ];
    for (const [shape, begin, size] of cases) {
      const values = Float32Array.from({ length: shape.reduce((p, s) => p * s, 1) }, (_, i) => Math.sin(i));
      const run = () => {
        const x = tf.tensor(values, shape);
        const y = tf.slice(x, begin, size);
        const g = tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.slice(v, begin, size))))(x);
        const out = { shape: y.shape, y: Array.from(y.dataSync()), g: Array.from(g.dataSync()) };
        tf.dispose([x, y, g]);
        return out;
      };
      const before = tf.memory().numTensors;
      const wasm = run();
      expect(tf.memory().numTensors).toBe(before);
      await tf.setBackend('cpu');
      const cpu = run();
      await tf.setBackend('wasm');
      expect(wasm).toEqual(cpu);
    }
  });
});
