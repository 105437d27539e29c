// The gradient of tile and broadcastTo as one sum (lib/engine/tile-gradient.ts): equal to the sum
// over the tiled copies, computed here by definition, for ranks 1-4 and any repetitions; registered
// by the engine, so that tf.grad through tf.tile and tf.broadcastTo takes a few kernels whatever the
// repetitions, not one slice and one add per copy; no tensors left behind.
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import * as tf from '../../lib/core/tf';
import { tileGradient } from '../../lib/engine/tile-gradient';
import { ENGINE, expectClose, expectNoLeak, values } from '../helpers';

/** The gradient of tile by definition: every entry of dy added to the entry of x it copies. */
function byDefinition(dy: number[], shape: number[], reps: number[]): number[] {
  const outShape = shape.map((s, a) => s * reps[a]);
  const out = new Array(shape.reduce((p, s) => p * s, 1)).fill(0);
  dy.forEach((v, flat) => {
    let rest = flat, source = 0, stride = 1;
    for (let a = shape.length - 1; a >= 0; a--) {
      const coordinate = rest % outShape[a];
      rest = Math.floor(rest / outShape[a]);
      source += (coordinate % shape[a]) * stride;
      stride *= shape[a];
    }
    out[source] += v;
  });
  return out;
}

const shapes = fc.integer({ min: 1, max: 4 }).chain((rank) => fc.tuple(
  fc.array(fc.integer({ min: 1, max: 4 }), { minLength: rank, maxLength: rank }),
  fc.array(fc.integer({ min: 1, max: 4 }), { minLength: rank, maxLength: rank })));

describe('the gradient of tile as one sum', () => {
  it('is the sum over the tiled copies, for any shape and repetitions', async () => {
    await expectNoLeak(() => fc.assert(fc.property(shapes, fc.integer({ min: 0, max: 1000 }), ([shape, reps], seed) => {
      const dy = tf.randomNormal(shape.map((s, a) => s * reps[a]), 0, 1, 'float32', seed);
      const g = tileGradient(dy, shape, reps);
      expect(g.shape).toEqual(shape);
      expectClose(values(g), byDefinition(values(dy), shape, reps), 1e-5, 1e-5);
      tf.dispose([dy, g]);
    }), { numRuns: 80, seed: 3 }));
  });

  it.runIf(ENGINE)('is what tf.grad takes through tile and broadcastTo, in a few kernels however many copies', async () => {
    const x = tf.randomNormal([1, 6], 0, 1, 'float32', 1);
    const w = tf.randomNormal([320, 6], 0, 1, 'float32', 2);
    const through = (f: (v: tf.Tensor) => tf.Tensor) => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(f(v), w)))(x);
    const expected = byDefinition(values(w), [1, 6], [320, 1]);
    await expectNoLeak(async () => {
      for (const f of [(v: tf.Tensor) => tf.tile(v, [320, 1]), (v: tf.Tensor) => tf.broadcastTo(v, [320, 6])]) {
        const profile = await tf.profile(() => { through(f).dispose(); });
        expect(profile.kernels.length).toBeLessThan(40); // tfjs's own: 652
        const g = through(f);
        expectClose(values(g), expected, 1e-4, 1e-5);
        g.dispose();
      }
    });
    tf.dispose([x, w]);
  });
});
