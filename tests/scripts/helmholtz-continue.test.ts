import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as path from 'path';
import { givenArgs } from '../../scripts/args';
import { FIXED_BY_THE_RECORD, continuation } from '../../scripts/helmholtz-continue';
import { MnistRunRecord } from '../../lib/helmholtz';

const RUNS = path.resolve(__dirname, '../../data/helmholtz-mnist');
const recordOf = (dir: string) => JSON.parse(fs.readFileSync(path.join(RUNS, dir, 'weights.json'), 'utf8')).meta as MnistRunRecord;

describe('continuing a Helmholtz MNIST run', () => {
  it('names the flags given, with or without values', () => {
    expect(givenArgs(['--continue', 'data/x', '--epochs=81', '--seed', '3'])).toEqual(['continue', 'epochs', 'seed']);
  });

  it('takes the model, batch and seed from every shipped record, whose seed matches its folder name', () => {
    const dirs = fs.readdirSync(RUNS).filter((d) => fs.existsSync(path.join(RUNS, d, 'weights.json')));
    expect(dirs.length).toBeGreaterThanOrEqual(10);
    for (const dir of dirs) {
      const record = recordOf(dir);
      const kept = continuation(record, ['continue', 'epochs', 'learning-rate', 'test-images'], dir);
      expect(kept.seed).toBe(Number(/-seed(\d+)/.exec(dir)![1]));
      expect(kept.spec).toEqual({ method: record.method, sizes: record.sizes, particles: record.particles });
      expect(kept.batch).toBe(record.batch);
    }
  });

  it('refuses each flag the record fixes, naming it, and a record without its seed', () => {
    const record = recordOf('vae-k5-784-200-200-50-seed1');
    for (const flag of FIXED_BY_THE_RECORD) {
      expect(() => continuation(record, ['continue', flag], 'run')).toThrow(new RegExp(`takes --${flag} from run's record; leave it out`));
    }
    expect(() => continuation(record, ['seed', 'method'], 'run')).toThrow(/--method, --seed .* leave them out/);
    const { seed: _, ...withoutSeed } = record;
    expect(() => continuation(withoutSeed, [], 'old-run')).toThrow(/old-run's record has no seed/);
  });
});
