// Our seeded uniform and normal tensors (lib/core/alea.ts, lib/core/random.ts) are tfjs's
// tf.randomUniform and tf.randomNormal to the last bit, so every keyed stream stays as it was.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key, normal, uniform } from '../../lib/core/random';
import { ParameterError } from '../../lib/core/errors';
import { expectNoLeak } from '../helpers';

const bits = (t: tf.Tensor) => Array.from(new Uint32Array(new Float32Array(t.dataSync()).buffer));

describe('seeded random tensors', () => {
  it('equal tfjs\'s uniform and normal values bit for bit, over seeds, sizes (odd too) and ranges', async () => {
    await expectNoLeak(() => tf.tidy(() => {
      for (let k = 0; k < 60; k++) {
        const key = Key.fromSeed(k * 7919 + 3);
        const shape = [1 + (k % 7), 1 + ((k * 13) % 29)];
        const [lo, hi] = k % 3 === 0 ? [0, 1] : [-2.5 + k / 10, 3 + k];
        expect(bits(uniform(key, shape, lo, hi))).toEqual(bits(tf.randomUniform(shape, lo, hi, 'float32', key.seed())));
        expect(bits(normal(key, shape))).toEqual(bits(tf.randomNormal(shape, 0, 1, 'float32', key.seed())));
      }
      const key = Key.fromSeed(42);
      expect(bits(uniform(key, [128, 784]))).toEqual(bits(tf.randomUniform([128, 784], 0, 1, 'float32', key.seed())));
      expect(bits(normal(key, [512, 3]))).toEqual(bits(tf.randomNormal([512, 3], 0, 1, 'float32', key.seed())));
      expect(normal(key, [0, 4]).shape).toEqual([0, 4]);
    }));
  });

  it('names a shape that is not made of whole non-negative numbers', () => {
    expect(() => uniform(Key.fromSeed(1), [2, -1])).toThrow(ParameterError);
    expect(() => normal(Key.fromSeed(1), [2.5])).toThrow(/dimension 0 of the shape \[2.5\]/);
  });
});
