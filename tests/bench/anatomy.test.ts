// The step anatomy of the benches: outermost kernels counted exactly, time split into inside and
// outside kernels, and the engine left as it was.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { anatomyHeader, anatomyRow, stepAnatomy } from '../../bench/anatomy';

describe('step anatomy', () => {
  it('counts the outermost kernels of a step and splits its time', async () => {
    const a = tf.tensor1d([1, 2, 3]);
    const b = tf.tensor1d([4, 5, 6]);
    // add, mul and sum: three outermost kernels per step
    const step = () => tf.tidy(() => tf.sum(tf.mul(tf.add(a, b), b))).dispose();
    const anatomy = await stepAnatomy(step, 20);
    expect(anatomy.kernels).toBe(3);
    expect(anatomy.inKernels).toBeGreaterThan(0);
    expect(anatomy.inKernels).toBeLessThanOrEqual(anatomy.wall);
    expect(anatomy.top.map(([name]) => name).sort()).toEqual(['Add', 'Multiply', 'Sum']);
    expect(anatomy.top.every(([, , calls]) => calls === 1)).toBe(true);
    // the engine is unwrapped: a second anatomy counts the same
    expect((await stepAnatomy(step, 5)).kernels).toBe(3);
    const row = anatomyRow('tiny', 8, anatomy);
    expect(row.startsWith('tiny    ')).toBe(true);
    expect(row).toContain('Add');
    expect(anatomyHeader(8).startsWith('model   ')).toBe(true);
    tf.dispose([a, b]);
  });
});
