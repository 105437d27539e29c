// The kernel profiler times each outermost tfjs kernel call once, under its name, and unwraps cleanly.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { initBackend } from '../../lib/core/backend';
import { KernelProfile, profileLines, timeKernels } from '../../scripts/kernel-profile';

describe('kernel profile', () => {
  it('counts the kernels of a small computation and its gradient, then leaves tfjs as it was', async () => {
    await initBackend({ quiet: true });
    const x = tf.tensor1d([1, 2, 3]);
    const profile: KernelProfile = { wall: 0, kernels: {} };
    const unwrap = timeKernels(profile);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(v, v)))(x);
    unwrap();
    expect(Array.from(g.dataSync())).toEqual([2, 4, 6]);
    expect(profile.kernels.Multiply.calls).toBeGreaterThanOrEqual(2); // forward v v, and the gradient's products
    expect(profile.kernels.Sum.calls).toBe(1);
    expect(Object.values(profile.kernels).every((k) => k.ms >= 0)).toBe(true);
    const before = profile.kernels.Multiply.calls;
    tf.dispose([tf.mul(x, x), g, x]);
    expect(profile.kernels.Multiply.calls, 'no counting after unwrap').toBe(before);
    profile.wall = 1500;
    const lines = profileLines(profile, 1);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^2 s in the kernel process, 0\.0 s inside tfjs kernels:$/);
  });
});
