import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { meanAndStderr, sigmoid } from '../../lib/core';
import { Normal, isotropicNormalLogProb } from '../../lib/distributions';
import { expectClose, values } from '../helpers';

describe('shared numeric helpers', () => {
  it('meanAndStderr uses the n - 1 sample variance', () => {
    const r = meanAndStderr([1, 2, 3, 6]); // mean 3, sample variance 14 / 3
    expect(r.mean).toBe(3);
    expect(r.stderr).toBeCloseTo(Math.sqrt(14 / 3 / 4), 12);
    expect(sigmoid(0)).toBe(0.5);
  });

  it('isotropicNormalLogProb equals the Normal distribution with a scalar scale', () => {
    const x = tf.tensor2d([[0.3, -1.2, 2], [1, 0, -0.5]]);
    const mean = tf.tensor2d([[0, 1, 1], [0.5, 0.5, 0.5]]);
    const reference = new Normal(mean, tf.fill([2, 3], Math.sqrt(0.7)), { eventRank: 1 }).logProb(x);
    expectClose(values(isotropicNormalLogProb(x, mean, 0.7)), values(reference), 1e-5, 1e-5);
  });
});
