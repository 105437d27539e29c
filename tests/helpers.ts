// Shared test helpers: the tensor-leak guard and numeric comparisons.
import { expect } from 'vitest';
import * as tf from '../lib/core/tf';

/** Runs fn and fails if it leaves tensors behind (the result may hold `allowed` tensors). */
export async function expectNoLeak<T>(fn: () => T | Promise<T>, allowed = 0): Promise<T> {
  const before = tf.memory().numTensors;
  const out = await fn();
  expect(tf.memory().numTensors - before, 'tensors leaked').toBeLessThanOrEqual(allowed);
  return out;
}

/** Element-wise |a - b| <= atol + rtol * |b|. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-5, rtol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const tol = atol + rtol * Math.abs(expected[i]);
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
      throw new Error(`entry ${i}: ${actual[i]} differs from ${expected[i]} by more than ${tol}`);
    }
  }
}

export function values(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}
