// The phoneme source: its symbols follow the chain, its observations are the templates plus noise.
import { describe, expect, it } from 'vitest';
import { Key } from '../../lib/core/random';
import { phonemeSource, samplePhonemes, stationaryDistribution } from '../../lib/sequence';

describe('the phoneme source', () => {
  const src = phonemeSource({ symbols: 4, dims: 3, duration: 5, noise: 0.1 }, Key.fromSeed(1));

  it('draws symbols from the chain, each held for its duration, and renders its template', () => {
    const { x, symbols } = samplePhonemes(src, 40, 200, Key.fromSeed(2));
    expect(x.length).toBe(200);
    expect(x[0].length).toBe(200);
    expect(symbols[0].length).toBe(200);
    // every phoneme lasts 5 steps and never repeats itself
    const starts = symbols.flatMap((seq) => seq.filter((_, t) => t % 5 === 0));
    symbols.forEach((seq) => seq.forEach((s, t) => expect(s).toBe(seq[t - (t % 5)])));
    symbols.forEach((seq) => seq.forEach((s, t) => { if (t >= 5 && t % 5 === 0) expect(s).not.toBe(seq[t - 1]); }));
    // symbol frequencies near the stationary distribution (8,000 phonemes: s.e. about 0.005)
    const pi = stationaryDistribution(src.transition);
    pi.forEach((p, s) => expect(Math.abs(starts.filter((v) => v === s).length / starts.length - p)).toBeLessThan(0.025));
    // the residual from the template has the noise's standard deviation
    const residuals = x.flatMap((seq, n) => seq.flatMap((row, t) => row.map((v, j) => v - src.templates[symbols[n][t]][t % 5][j])));
    const sd = Math.sqrt(residuals.reduce((a, r) => a + r * r, 0) / residuals.length);
    expect(sd).toBeGreaterThan(0.095);
    expect(sd).toBeLessThan(0.105);
    expect(samplePhonemes(src, 3, 2, Key.fromSeed(5))).toEqual(samplePhonemes(src, 3, 2, Key.fromSeed(5)));
  });

  it('names a bad chain or design', () => {
    expect(() => phonemeSource({ symbols: 1, dims: 3, duration: 5, noise: 0.1 }, Key.fromSeed(1))).toThrow(/symbols = 1/);
    expect(() => samplePhonemes({ ...src, transition: [[0.5, 0.6], [1, 0]] }, 3, 2, Key.fromSeed(1))).toThrow(/not square and row-stochastic/);
  });
});
