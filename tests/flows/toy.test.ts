import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key } from '../../lib/core/random';
import { AffineCoupling, checkerboard, compose, deterministicLimit, energyLogTarget, gaussianMixture, gridLogNormalizer, rings, twoMoons } from '../../lib/flows';

describe('toy data and energies', () => {
  it('samples are keyed, and the closed-form densities are normalised and cover their samples', () => {
    for (const data of [twoMoons, rings, gaussianMixture, checkerboard]) {
      const a = data.sample(Key.fromSeed(1), 500);
      const b = data.sample(Key.fromSeed(1), 500);
      expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
      if (data.logDensity) {
        expect(data.logDensity(a.arraySync() as number[][]).every(Number.isFinite), data.name).toBe(true);
        const h = 0.02;
        let mass = 0;
        for (let u = -4.5; u < 4.5; u += h) {
          const row: number[][] = [];
          for (let v = -4.5; v < 4.5; v += h) row.push([u + h / 2, v + h / 2]);
          mass += data.logDensity(row).reduce((s, l) => s + Math.exp(l), 0) * h * h;
        }
        expect(Math.abs(mass - 1), data.name).toBeLessThan(2e-3);
      }
      tf.dispose([a, b]);
    }
  });

  it('the Rezende-Mohamed energies have finite normalisers that converge on finer grids', () => {
    for (const u of [1, 2, 3, 4] as const) {
      const coarse = gridLogNormalizer(energyLogTarget(u), 6, 0.05);
      const fine = gridLogNormalizer(energyLogTarget(u), 6, 0.025);
      expect(Number.isFinite(fine)).toBe(true);
      expect(Math.abs(coarse - fine)).toBeLessThan(1e-3);
    }
    expect(() => energyLogTarget(5 as 1)).toThrow(/no energy U5/);
  });
});

describe('the deterministic limit of the VAE', () => {
  it('its KL approaches the flow objective as sigma -> 0 with the full encoder, and stays above it with an isotropic one', () => {
    const f = compose('f', [AffineCoupling([1, 0], [16], Key.fromSeed(1)), AffineCoupling([0, 1], [16], Key.fromSeed(2))]);
    const x = gaussianMixture.sample(Key.fromSeed(3), 4000);
    const logDensity = tf.tensor1d(gaussianMixture.logDensity!(x.arraySync() as number[][]));
    const gaps = [0.3, 0.1, 0.01].map((s) => {
      const r = deterministicLimit(Key.fromSeed(4), x, f, logDensity, s, 'full');
      return Math.abs(r.vaeKl - r.flowKl);
    });
    expect(gaps[2]).toBeLessThan(0.01);
    expect(gaps[2]).toBeLessThan(gaps[0]);
    const iso = deterministicLimit(Key.fromSeed(4), x, f, logDensity, 0.01, 'isotropic');
    expect(iso.vaeKl - iso.flowKl).toBeGreaterThan(0.05);
    tf.dispose([x, logDensity]);
  });
});
