// The group lasso's proximal step against its definition: it minimises ½‖v − w‖² + t‖v‖ for each row,
// is exactly zero below the threshold, keeps the direction above it; bad thresholds refused by name.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key, normal } from '../../lib/core/random';
import { applyGroupLassoProx, groupLassoPenalty, proxGroupLasso } from '../../lib/oivae';

const objective = (v: number[], w: number[], t: number) =>
  0.5 * v.reduce((s, x, i) => s + (x - w[i]) ** 2, 0) + t * Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe('the group-lasso proximal step', () => {
  it('minimises ½‖v − w‖² + t‖v‖ row by row: no perturbation does better', () => {
    const w = normal(Key.fromSeed(1), [6, 5]) as tf.Tensor2D;
    const rows = w.arraySync() as number[][];
    for (const t of [0, 0.3, 1.5, 10]) {
      const p = proxGroupLasso(w, t);
      const v = p.arraySync() as number[][];
      p.dispose();
      rows.forEach((wi, i) => {
        const norm = Math.hypot(...wi);
        if (norm <= t) expect(v[i].every((x) => x === 0)).toBe(true); // exactly zero below the threshold
        else v[i].forEach((x, c) => expect(x).toBeCloseTo(wi[c] * (1 - t / norm), 6)); // shrunk along w
        const best = objective(v[i], wi, t);
        for (let trial = 0; trial < 50; trial++) {
          const nudged = v[i].map((x, c) => x + 0.01 * Math.sin(7 * trial + 3 * c + i));
          expect(objective(nudged, wi, t)).toBeGreaterThanOrEqual(best - 1e-6);
        }
      });
    }
    w.dispose();
  });

  it('applies in place without leaking, and the penalty is λ Σ ‖row‖', () => {
    const v = tf.variable(tf.tensor2d([[3, 4], [0.1, 0], [0, 0]])) as tf.Variable<tf.Rank.R2>;
    expect(groupLassoPenalty([v], 2)).toBeCloseTo(2 * (5 + 0.1), 6);
    const before = tf.memory().numTensors;
    applyGroupLassoProx([v], 1);
    expect(tf.memory().numTensors).toBe(before);
    const after = v.arraySync();
    expect(after[0][0]).toBeCloseTo(3 * 0.8, 6);
    expect(after[0][1]).toBeCloseTo(4 * 0.8, 6);
    expect(after[1]).toEqual([0, 0]);
    expect(after[2]).toEqual([0, 0]); // a zero row stays zero (no 0/0)
    v.dispose();
  });

  it('refuses a negative or non-finite threshold or λ', () => {
    const w = tf.zeros([2, 2]) as tf.Tensor2D;
    expect(() => proxGroupLasso(w, -0.1)).toThrow(/threshold = -0.1.*λ ≥ 0/);
    expect(() => proxGroupLasso(w, NaN)).toThrow(/threshold = NaN/);
    expect(() => groupLassoPenalty([w], -1)).toThrow(/lambda = -1/);
    w.dispose();
  });
});
