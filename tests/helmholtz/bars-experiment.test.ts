// The bars comparison: a short run of each model family is scored exactly (SBN) or from below
// (VAE), leaves no tensor behind but its model, finds bars by the unit-picture rule, and the shipped
// records read back with named errors.
import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '../../lib/core/tf';
import { DataError, ShapeError } from '../../lib/core/errors';
import { BARS_METHODS, barsFound, barsMethod, readBarsRecord, runBarsMethod, summarizeBars } from '../../lib/helmholtz';

describe('runBarsMethod', () => {
  it('scores the gap at the requested steps for an SBN and a VAE, and holds only its model', async () => {
    for (const name of ['RWS K=5', 'VAE']) {
      const before = tf.memory().numTensors;
      const run = await runBarsMethod(barsMethod(name), 3, { steps: 40, every: 25, trainingImages: 500, scoringParticles: 50, progress: 'off' });
      expect(run.gaps.map((g) => g.step)).toEqual([25, 40]);
      run.gaps.forEach((g) => expect(g.gap).toBeGreaterThan(0));
      expect(run.divergences === undefined).toBe(name === 'VAE');
      expect(tf.memory().numTensors - before).toBe(run.learner.variables.length);
      run.learner.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
    expect(() => barsMethod('RWS K=7')).toThrow(/no bars method 'RWS K=7'/);
    expect(BARS_METHODS.map((m) => m.name)).toContain('VIMCO K=5');
  });
});

describe('barsFound', () => {
  it('finds a row and a column, not a diagonal, and refuses a wrong size', () => {
    const picture = (on: number[]) => Array.from({ length: 25 }, (_, i) => (on.includes(i) ? 3 : -1));
    const row2 = picture([10, 11, 12, 13, 14]);
    const col4 = picture([4, 9, 14, 19, 24]);
    const diagonal = picture([0, 6, 12, 18, 24]);
    expect(barsFound([row2, col4, diagonal, row2])).toEqual([2, 9]);
    expect(() => barsFound([[1, 2, 3]])).toThrow(ShapeError);
  });
});

describe('shipped bars records', () => {
  it('read back and summarise; a missing or foreign file is refused with the command that makes it', () => {
    const records = [1, 2, 3, 4].map((s) => readBarsRecord(`data/helmholtz/bars-seed-${s}.json`));
    const summary = summarizeBars(records);
    expect(summary.map((m) => m.name)).toEqual(BARS_METHODS.map((m) => m.name));
    summary.forEach((m) => {
      expect(m.seeds).toBe(4);
      expect(m.finals.every((g) => g > 0)).toBe(true);
    });
    expect(() => readBarsRecord('data/helmholtz/bars-seed-99.json')).toThrow(/npm run helmholtz -- --seed 99/);
    const foreign = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bars-')), 'bars-seed-1.json');
    fs.writeFileSync(foreign, JSON.stringify({ experiment: 'ladder' }));
    expect(() => readBarsRecord(foreign)).toThrow(DataError);
    expect(() => summarizeBars([])).toThrow(DataError);
  });
});
