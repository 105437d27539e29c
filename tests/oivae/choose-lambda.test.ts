// The one-standard-error rule for λ: the largest λ whose paired shortfall from the best is within one
// standard error, on constructed scores whose answer is known.
import { describe, expect, it } from 'vitest';
import { chooseLambda } from '../../lib/oivae';

describe('chooseLambda', () => {
  // 100 images; each λ scores base + its offset + its own ±noise (alternating signs, so means are exact)
  const base = Array.from({ length: 100 }, (_, i) => Math.sin(i));
  const scored = (offset: number, noise: number) => base.map((v, i) => v + offset + (i % 2 ? noise : -noise));

  it('takes the largest λ within one standard error of the best', () => {
    const runs = [
      { lambda: 0, scores: scored(0, 0.3) },
      { lambda: 0.1, scores: scored(0.02, 0.3) }, // the best
      { lambda: 0.3, scores: scored(0, 0) }, // 0.02 below, paired s.e. 0.3/√100 = 0.03: within
      { lambda: 1, scores: scored(-0.5, 0) }, // far below
    ];
    const c = chooseLambda(runs);
    expect(c.best).toBe(0.1);
    expect(c.chosen).toBe(0.3);
    expect(c.table[2].belowBest).toBeCloseTo(0.02, 10);
    expect(c.table[2].stderr).toBeCloseTo(0.3 / Math.sqrt(99), 3); // s.d. of ±0.3 (n − 1 = 99), over √100
    expect(c.table[3].belowBest).toBeCloseTo(0.52, 10);
    // a price of 0.6 nats admits λ = 1 (0.52 below the best); one of 0.01 admits only the best
    expect(chooseLambda(runs, { price: 0.6 }).chosen).toBe(1);
    expect(chooseLambda(runs, { price: 0.01 }).chosen).toBe(0.1);
    expect(() => chooseLambda(runs, { price: -1 })).toThrow(/price -1/);
  });

  it('keeps the best when nothing sparser is close, and refuses mismatched or empty input', () => {
    expect(chooseLambda([{ lambda: 0, scores: scored(1, 0) }, { lambda: 1, scores: scored(0, 0.01) }]).chosen).toBe(0);
    expect(() => chooseLambda([])).toThrow(/no runs/);
    expect(() => chooseLambda([{ lambda: 0, scores: [1, 2] }, { lambda: 1, scores: [1] }])).toThrow(/λ = 1 has 1 scores, λ = 0 has 2/);
  });
});
