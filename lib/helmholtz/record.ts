// The shipped bars comparison (data/helmholtz/bars-seed-N.json, written by scripts/run-helmholtz.ts):
// reading the records and summarising each method's gap over seeds.
import { meanAndStderr } from '../core/stats';
import { DataError } from '../core/errors';
import { readRecord } from '../data/records';

export interface BarsRecordRun {
  method: { name: string };
  gaps: { step: number; gap: number }[];
  divergences?: { step: number; qToP: number; pToQ: number }[];
  seconds: number;
}

/** Reads the bars record of one seed. */
export function readBarsRecord(file: string): { seed: number; steps: number; runs: BarsRecordRun[] } & Record<string, any> {
  const seed = /seed-(\d+)/.exec(file)?.[1] ?? 'N';
  const record = readRecord(file, 'bars', `npm run helmholtz -- --seed ${seed}`);
  if (!Array.isArray(record.runs) || record.runs.some((r: any) => !Array.isArray(r?.gaps) || r.gaps.length === 0)) {
    throw new DataError(`${file} has no gap curve for some method`, 'run the script for this seed again');
  }
  return record;
}

export interface BarsMethodSummary {
  name: string;
  seeds: number;
  /** The final gap KL(bars ‖ model), mean and standard error over seeds (nats). */
  gap: { mean: number; stderr: number };
  /** Every seed's final gap. */
  finals: number[];
  /** The mean gap over seeds at each scored step. */
  curve: { step: number; gap: number }[];
}

/** Per method, over the records of several seeds (in the order of the first record). */
export function summarizeBars(records: { runs: BarsRecordRun[] }[]): BarsMethodSummary[] {
  if (records.length === 0) throw new DataError('no bars records to summarise', 'pass the records of at least one seed');
  return records[0].runs.map(({ method }) => {
    const runs = records.map((r) => {
      const run = r.runs.find((x) => x.method.name === method.name);
      if (!run) throw new DataError(`a record has no run of '${method.name}'`, 'use records written by the same version of the script');
      return run;
    });
    const finals = runs.map((r) => r.gaps[r.gaps.length - 1].gap);
    const curve = runs[0].gaps.map((g, i) => ({ step: g.step, gap: runs.reduce((s, r) => s + r.gaps[i].gap, 0) / runs.length }));
    return { name: method.name, seeds: runs.length, gap: meanAndStderr(finals), finals, curve };
  });
}
