// The coupling's affine map as one taped operation (lib/flows/coupling-op.ts): values,
// log-determinants and gradients equal those of the same map in tfjs operations and autodiff, in both
// directions and over random masks and sizes; inverse undoes forward; bad shapes get named errors.
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import * as tf from '../../lib/core/tf';
import { COUPLING_LOOP_MAX, CouplingDirection, couplingTransform, couplingTransformPlain } from '../../lib/flows';
import { ShapeError } from '../../lib/core/errors';
import { expectClose, expectNoLeak, values } from '../helpers';

type Transform = typeof couplingTransform;

/** Value, log-determinant and the gradients of a weighted sum of both with respect to input and h. */
function evaluate(f: Transform, x: tf.Tensor2D, h: tf.Tensor2D, mask: number[], direction: CouplingDirection, weights: [tf.Tensor2D, tf.Tensor1D]) {
  return tf.tidy(() => {
    const { value, logDet } = f(x, h, mask, direction);
    const [dx, dh] = tf.grads((a: tf.Tensor, b: tf.Tensor) => {
      const r = f(a as tf.Tensor2D, b as tf.Tensor2D, mask, direction);
      return tf.add(tf.sum(tf.mul(r.value, weights[0])), tf.sum(tf.mul(r.logDet, weights[1])));
    })([x, h]);
    return [value, logDet, dx, dh].map(values);
  });
}

describe('the coupling transform as one operation', () => {
  it('gives the values, log-determinants and gradients of tfjs operations, both ways, for any mask', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 40 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 1000 }),
      fc.constantFrom<CouplingDirection>('forward', 'inverse'), (n, bits, seed, direction) => {
        const mask = bits.map((b) => (b ? 1 : 0));
        const d = mask.length;
        const [x, h, w, wl] = [tf.randomNormal([n, d], 0, 1.5, 'float32', seed), tf.randomNormal([n, 2 * d], 0, 1.5, 'float32', seed + 1),
          tf.randomNormal([n, d], 0, 1, 'float32', seed + 2), tf.randomNormal([n], 0, 1, 'float32', seed + 3)] as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
        const ours = evaluate(couplingTransform, x, h, mask, direction, [w, wl]);
        const plain = evaluate(couplingTransformPlain, x, h, mask, direction, [w, wl]);
        ours.forEach((v, i) => expectClose(v, plain[i], 1e-5, 1e-5));
        // the passed coordinates are copied exactly and get no gradient through h
        mask.forEach((m, j) => {
          if (m !== 1) return;
          for (let i = 0; i < n; i++) {
            expect(ours[0][i * d + j]).toBe(values(x)[i * d + j]);
            expect(ours[3][i * 2 * d + j]).toBe(0);
            expect(ours[3][i * 2 * d + d + j]).toBe(0);
          }
        });
        tf.dispose([x, h, w, wl]);
      }), { numRuns: 40, seed: 7 });
  });

  it('inverse undoes forward, and the log-determinants cancel', () => {
    const mask = [0, 1, 0];
    const [x, h] = [tf.randomNormal([50, 3], 0, 2, 'float32', 1), tf.randomNormal([50, 6], 0, 2, 'float32', 2)] as tf.Tensor2D[];
    const there = couplingTransform(x, h, mask, 'forward');
    const back = couplingTransform(there.value, h, mask, 'inverse');
    expectClose(values(back.value), values(x), 1e-5, 1e-5);
    expectClose(values(tf.add(there.logDet, back.logDet)), new Array(50).fill(0), 1e-6, 0);
    tf.dispose([x, h, there.value, there.logDet, back.value, back.logDet]);
  });

  it('leaves no tensors behind, and large inputs take tfjs\'s kernels with their exact values', async () => {
    const mask = [1, 0];
    const [x, h] = [tf.randomNormal([256, 2], 0, 1, 'float32', 3), tf.randomNormal([256, 4], 0, 1, 'float32', 4)] as tf.Tensor2D[];
    const weights = [tf.onesLike(x), tf.ones([256])] as [tf.Tensor2D, tf.Tensor1D];
    await expectNoLeak(() => { evaluate(couplingTransform, x, h, mask, 'forward', weights); });
    tf.dispose(weights);
    const n = COUPLING_LOOP_MAX; // n x 2 values: above the limit
    const [bx, bh, w, wl] = [tf.randomNormal([n, 2], 0, 1, 'float32', 5), tf.randomNormal([n, 4], 0, 1, 'float32', 6), tf.ones([n, 2]), tf.ones([n])] as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
    expect(evaluate(couplingTransform, bx, bh, mask, 'inverse', [w, wl])).toEqual(evaluate(couplingTransformPlain, bx, bh, mask, 'inverse', [w, wl]));
    tf.dispose([x, h, bx, bh, w, wl]);
  });

  it('names a wrong shape of the input or of the conditioner\'s output', () => {
    const [x, h] = [tf.zeros([4, 2]), tf.zeros([4, 3])] as tf.Tensor2D[];
    expect(() => couplingTransform(x, h, [1, 0], 'forward')).toThrow(ShapeError);
    expect(() => couplingTransform(x, h, [1, 0], 'forward')).toThrow(/conditioner output/);
    expect(() => couplingTransform(x, tf.zeros([4, 4]) as tf.Tensor2D, [1, 0, 1], 'forward')).toThrow(/coupling input/);
    tf.dispose([x, h]);
  });
});
