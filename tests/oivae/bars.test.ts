// The bars data: one lit row per image at the stated intensity, noise of the stated σ; its entropy
// against a Monte Carlo estimate of −E log p(x) under the exact mixture; groups that partition.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key } from '../../lib/core/random';
import { BARS, barsEntropy, barsLogDensity, barsImages, checkGroups, columnGroups, oneLatentPerGroup, quadrantGroups, randomGroups, rowGroups } from '../../lib/oivae';

describe('bars', () => {
  it('lights exactly one row per image; the noise has the stated σ', () => {
    const { x, rows } = barsImages(Key.fromSeed(1), 500);
    const pixels = x.arraySync() as number[][];
    const residuals: number[] = [];
    pixels.forEach((img, i) => img.forEach((v, p) => residuals.push(v - (Math.floor(p / 8) === rows[i] ? 0.5 : 0))));
    const sd = Math.sqrt(residuals.reduce((s, r) => s + r * r, 0) / residuals.length);
    expect(Math.abs(sd - 0.05)).toBeLessThan(0.001); // 32,000 draws: the s.d. estimate is within 0.4 %
    const counts = Array.from({ length: 8 }, (_, r) => rows.filter((v) => v === r).length);
    counts.forEach((c) => expect(c).toBeGreaterThan(30)); // Binomial(500, 1/8) has mean 62.5, s.d. 7.4
    x.dispose();
    expect(() => barsImages(Key.fromSeed(1), 5, { ...BARS, noise: 0 })).toThrow(/noise 0/);
  });

  it('has the entropy of the exact mixture: a Monte Carlo estimate of −E log p(x) agrees', () => {
    const { nats, overlapBound } = barsEntropy();
    expect(nats).toBeCloseTo(-98.8354, 3); // 32 ln(2πe · 0.05²) + ln 8, by hand
    expect(overlapBound).toBeLessThan(1e-80);
    const { x, rows } = barsImages(Key.fromSeed(2), 4000);
    const logp = barsLogDensity(x);
    // one image by hand: bar in row r, so log p ≈ log N(x; the clean image of row r, σ²I) − log 8
    const first = (x.arraySync() as number[][])[0], row = rows[0];
    const byHand = first.reduce((s, v, p) => s - (v - (Math.floor(p / 8) === row ? 0.5 : 0)) ** 2 / (2 * 0.05 ** 2), 0) - 32 * Math.log(2 * Math.PI * 0.05 ** 2) - Math.log(8);
    expect(logp[0]).toBeCloseTo(byHand, 6);
    expect(() => barsLogDensity(tf.zeros([2, 63]) as tf.Tensor2D)).toThrow(/got x of shape \[2, 63\]/);
    x.dispose();
    const estimate = -logp.reduce((s, v) => s + v, 0) / logp.length;
    // −log p is (D/2)·log(2πσ²) + log 8 + χ²_64/2: s.d. 4 per image, 0.063 over 4,000
    expect(Math.abs(estimate - nats)).toBeLessThan(0.3);
  });

  it('groups: rows, columns, quadrants and random groups partition; overlaps, gaps and strays are refused by name', () => {
    for (const g of [rowGroups(8), columnGroups(8), quadrantGroups(8)]) expect(() => checkGroups(g, 64)).not.toThrow();
    expect(quadrantGroups(4)[1]).toEqual([2, 3, 6, 7]);
    const random = randomGroups(Key.fromSeed(1), 64, 8);
    expect(() => checkGroups(random, 64)).not.toThrow();
    expect(random).toEqual(randomGroups(Key.fromSeed(1), 64, 8));
    expect(random).not.toEqual(randomGroups(Key.fromSeed(2), 64, 8));
    expect(() => randomGroups(Key.fromSeed(1), 64, 7)).toThrow(/64 pixels do not split into 7/);
    expect(oneLatentPerGroup(3)).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(() => checkGroups([[0, 1], [1, 2]], 3)).toThrow(/pixel 1 is in group 0 and in group 1/);
    expect(() => checkGroups([[0, 1]], 3)).toThrow(/pixel 2 is in no group/);
    expect(() => checkGroups([[0, 5]], 2)).toThrow(/pixel 5, outside 0\.\.1/);
    expect(() => checkGroups([[0], []], 1)).toThrow(/group 1 is empty/);
    expect(() => quadrantGroups(7)).toThrow(/odd/);
  });
});
