// The n-gram baseline against texts whose entropy is known: i.i.d. uniform symbols, a deterministic
// cycle, and a hand-counted example; bad input refused by name.
import { describe, expect, it } from 'vitest';
import { nGramBits } from '../../lib/attention';

/** A reproducible pseudo-random sequence of symbols 0..k-1 (a linear congruential generator). */
function iid(length: number, k: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length }, () => {
    s = (1103515245 * s + 12345) % 2 ** 31;
    return Math.floor((s / 2 ** 31) * k);
  });
}

describe('nGramBits', () => {
  it('gives log2 k bits for uniform i.i.d. symbols, and no gain from more context', () => {
    const train = iid(200_000, 8, 1), test = iid(20_000, 8, 2);
    expect(nGramBits(train, test, 1, 8)).toBeCloseTo(3, 2);
    // 64 contexts of about 3,000 counts each: the estimation cost and the test sample's luck are small
    expect(Math.abs(nGramBits(train, test, 2, 8) - 3)).toBeLessThan(0.01);
  });

  it('predicts a cycle almost exactly once the context covers it', () => {
    const cycle = Array.from({ length: 3000 }, (_, i) => i % 5);
    expect(nGramBits(cycle, cycle.slice(0, 500), 1, 5)).toBeCloseTo(Math.log2(5), 3);
    // about 600 counts per context: the smoothing leaves −log2(600.5 / 602.5) ≈ 0.005 bits
    expect(nGramBits(cycle, cycle.slice(0, 500), 2, 5)).toBeLessThan(0.01);
  });

  it('matches a count by hand', () => {
    // train 0 0 1: unigram counts (2, 1); with add-1/2, p(0) = 2.5 / 4, p(1) = 1.5 / 4
    expect(nGramBits([0, 0, 1], [1, 0], 1, 2)).toBeCloseTo(-(Math.log2(1.5 / 4) + Math.log2(2.5 / 4)) / 2, 12);
    // bigram: after 0 come 0 and 1 once each; the unseen context 1 predicts uniformly
    expect(nGramBits([0, 0, 1], [0, 1, 0], 2, 2)).toBeCloseTo(-(Math.log2(1.5 / 3) + Math.log2(1 / 2)) / 2, 12);
  });

  it('refuses symbols out of range, short texts and bad parameters', () => {
    expect(() => nGramBits([0, 5], [0], 1, 3)).toThrow(/train\[1\] = 5 is not a symbol in 0\.\.2/);
    expect(() => nGramBits([0, 1], [0.5], 1, 3)).toThrow(/heldOut\[0\]/);
    expect(() => nGramBits([0], [0, 1], 2, 3)).toThrow(/train has 1 symbols, fewer than n = 2/);
    expect(() => nGramBits([0, 1], [0, 1], 0, 3)).toThrow(/n/);
    expect(() => nGramBits([0, 1], [0, 1], 1, 3, 0)).toThrow(/smoothing 0/);
  });
});
