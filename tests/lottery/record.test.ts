// The shipped records of scripts/run-lottery.ts: masks survive base64, statistics over seeds are the
// plain mean and standard error, and a missing or foreign file is refused by name.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { Key } from '../../lib/core/random';
import { DataError } from '../../lib/core/errors';
import { combinedRates, decodeMasks, encodeMasks, fullMasks, ladderStatistics, randomMasksLike, readLotteryRecord } from '../../lib/lottery';

const run = (testAccuracy: number, earlyStopIteration: number) => ({ testAccuracy, earlyStopIteration, finalTestAccuracy: 0, curve: [], seconds: 0 });

describe('lottery records', () => {
  it('masks survive base64 bit for bit', () => {
    const masks = randomMasksLike(Key.fromSeed(1), fullMasks([100, 37]).map((m) => m.map((_, i) => i % 2)));
    expect(decodeMasks(encodeMasks(masks), [100, 37])).toEqual(masks);
  });

  it('ladder statistics are the mean and standard error over seeds, per level and kind', () => {
    const record = (seed: number, a: number, b: number) => ({ seed, levels: [
      { round: 0, remaining: 1, ticket: run(a, 1000) },
      { round: 3, remaining: 0.513, ticket: run(b, 500), reinit: run(b - 0.01, 800), random: run(b - 0.02, 900) }] });
    const stats = ladderStatistics([record(1, 0.97, 0.98), record(2, 0.98, 0.99), record(3, 0.99, 0.97)]);
    expect(stats.map((s) => `${s.round}/${s.kind}`)).toEqual(['0/ticket', '3/ticket', '3/reinit', '3/random']);
    expect(stats[0].accuracy.mean).toBeCloseTo(0.98, 12);
    expect(stats[0].accuracy.stderr).toBeCloseTo(0.01 / Math.sqrt(3), 12);
    expect(stats[2].earlyStop).toEqual({ mean: 800, stderr: 0 });
    expect(() => ladderStatistics([record(1, 0.9, 0.9), { seed: 2, levels: [{ round: 0, remaining: 1, ticket: run(0.9, 1) }] }]))
      .toThrow(/seed 2 has no pruning round 3/);
  });

  it('combinedRates does several rounds at once', () => {
    expect(combinedRates([0.2, 0.1], 3).map((r) => r.toFixed(4))).toEqual(['0.4880', '0.2710']);
    expect(() => combinedRates([1.2], 2)).toThrow(/rates\[0\] = 1.2/);
  });

  it('refuses a missing file, broken JSON and another experiment, by name', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lottery-'));
    expect(() => readLotteryRecord(path.join(dir, 'none.json'), 'ladder')).toThrow(/none.json is missing.*npm run lottery -- --experiment ladder/s);
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"experiment": ');
    expect(() => readLotteryRecord(path.join(dir, 'bad.json'), 'ladder')).toThrow(DataError);
    fs.writeFileSync(path.join(dir, 'global.json'), '{"experiment": "global"}');
    expect(() => readLotteryRecord(path.join(dir, 'global.json'), 'ladder')).toThrow(/holds experiment 'global', not 'ladder'/);
    expect(readLotteryRecord(path.join(dir, 'global.json'), 'global').experiment).toBe('global');
  });
});
