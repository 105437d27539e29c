// Pruning masks: exact rates, magnitude order, global pruning, random controls, packing.
import { describe, expect, it } from 'vitest';
import { Key } from '../../lib/core/random';
import { ParameterError, ShapeError } from '../../lib/core/errors';
import {
  LENET_PRUNING_RATES,
  fullMasks,
  keptCount,
  overlap,
  packMasks,
  pruneByMagnitude,
  pruneGlobally,
  randomMasksLike,
  ratePerRound,
  remainingFraction,
  unpackMasks,
} from '../../lib/lottery';

const LENET_COUNTS = [784 * 300, 300 * 100, 100 * 10];

describe('magnitude pruning', () => {
  it('removes exactly the rate of each layer, the smallest magnitudes first', () => {
    const w = [Float32Array.from([0.5, -0.1, 0.3, -0.7, 0.2]), Float32Array.from([1, -2, 3, -4])];
    const m = pruneByMagnitude(w, fullMasks([5, 4]), [0.4, 0.25]);
    expect(Array.from(m[0])).toEqual([1, 0, 1, 1, 0]);
    expect(Array.from(m[1])).toEqual([0, 1, 1, 1]);
    // a second round prunes among the survivors only
    const again = pruneByMagnitude(w, m, [0.34, 0]);
    expect(Array.from(again[0])).toEqual([1, 0, 0, 1, 0]);
    expect(Array.from(again[1])).toEqual([0, 1, 1, 1]);
  });

  it('gives the paper\'s ladder on LeNet-300-100: 51.3, 21.1, 7.0, 3.6 and 1.9% after 3, 7, 12, 15 and 18 rounds', () => {
    const key = Key.fromSeed(4);
    const weights = LENET_COUNTS.map((n, l) => Float32Array.from(key.foldIn(l).normals(n)));
    let masks = fullMasks(LENET_COUNTS);
    const ladder: Record<number, number> = {};
    for (let round = 1; round <= 18; round++) {
      masks = pruneByMagnitude(weights, masks, LENET_PRUNING_RATES);
      ladder[round] = Math.round(1000 * remainingFraction(masks)) / 10;
    }
    expect([3, 7, 12, 15, 18].map((r) => ladder[r])).toEqual([51.3, 21.1, 7.0, 3.6, 1.9]);
    // the exact kept counts of the first round: 20% of 235,200 and 30,000 removed, 10% of 1,000
    const first = pruneByMagnitude(weights, fullMasks(LENET_COUNTS), LENET_PRUNING_RATES);
    expect(first.map(keptCount)).toEqual([188160, 24000, 900]);
  });

  it('global pruning compares magnitudes across layers', () => {
    const w = [Float32Array.from([0.1, 0.2, 0.3, 0.4]), Float32Array.from([5, 6, 7, 8])];
    const m = pruneGlobally(w, fullMasks([4, 4]), 0.5);
    expect(Array.from(m[0])).toEqual([0, 0, 0, 0]);
    expect(Array.from(m[1])).toEqual([1, 1, 1, 1]);
  });

  it('leaves its inputs unchanged', () => {
    const w = [Float32Array.from([1, 2, 3])];
    const masks = fullMasks([3]);
    pruneByMagnitude(w, masks, [0.5]);
    pruneGlobally(w, masks, 0.5);
    expect(Array.from(masks[0])).toEqual([1, 1, 1]);
  });

  it('refuses rates outside [0, 1) and masks that do not fit, by name', () => {
    const w = [new Float32Array(4)];
    expect(() => pruneByMagnitude(w, fullMasks([4]), [1])).toThrow(/rates\[0\] = 1.*\[0, 1\)/);
    expect(() => pruneByMagnitude(w, fullMasks([4]), [-0.1])).toThrow(ParameterError);
    expect(() => pruneGlobally(w, fullMasks([4]), NaN)).toThrow(/rate = NaN/);
    expect(() => pruneByMagnitude(w, fullMasks([5]), [0.2])).toThrow(/layer 0: 4 weights but a mask of 5 entries/);
    expect(() => pruneByMagnitude(w, fullMasks([4, 4]), [0.2])).toThrow(ShapeError);
    expect(() => pruneByMagnitude(w, fullMasks([4]), [0.2, 0.1])).toThrow(/2 rates for 1 layers/);
  });
});

describe('controls and bookkeeping', () => {
  it('random masks keep exactly the same count per layer, and differ with the key', () => {
    const weights = LENET_COUNTS.map((n, l) => Float32Array.from(Key.fromSeed(l).normals(n)));
    const ticket = pruneByMagnitude(weights, fullMasks(LENET_COUNTS), [0.9, 0.8, 0.5]);
    const a = randomMasksLike(Key.fromSeed(1), ticket);
    const b = randomMasksLike(Key.fromSeed(2), ticket);
    expect(a.map(keptCount)).toEqual(ticket.map(keptCount));
    expect(overlap(a, randomMasksLike(Key.fromSeed(1), ticket))).toBe(1);
    // two random tenths of a layer overlap in about a tenth of their weights
    expect(overlap(a, b)).toBeGreaterThan(0.08);
    expect(overlap(a, b)).toBeLessThan(0.13);
    expect(overlap(a, ticket)).toBeLessThan(0.13);
  });

  it('packs and unpacks masks bit for bit, and refuses a mask of another network', () => {
    const masks = randomMasksLike(Key.fromSeed(3), [Uint8Array.from({ length: 1001 }, (_, i) => i % 3 & 1)]);
    const packed = packMasks(masks);
    expect(packed[0].length).toBe(126);
    expect(unpackMasks(packed, [1001])[0]).toEqual(masks[0]);
    expect(() => unpackMasks(packed, [2000])).toThrow(/126 bytes cannot hold a mask of 2000 weights/);
  });

  it('ratePerRound reaches the fraction after the rounds', () => {
    const r = ratePerRound(0.07, 12);
    expect((1 - r) ** 12).toBeCloseTo(0.07, 12);
    expect(() => ratePerRound(0, 3)).toThrow(/fraction = 0/);
    expect(() => ratePerRound(0.5, 0)).toThrow(/rounds = 0/);
  });
});
