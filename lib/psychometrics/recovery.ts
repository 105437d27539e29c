// Model recovery over simulated rats: each rat is simulated from one policy, every candidate model is
// fitted to its trials, and the model with the lowest BIC is recorded, with the rat's model-free
// lapse estimates. Used live by lecture 17 and, with more rats, by scripts/lapse-recovery.ts, whose
// record the lecture reads back.
import { DataError, checkInt } from '../core/errors';
import { Key } from '../core/random';
import { readRecord } from '../data/records';
import { easyErrorRate } from './lapse-estimate';
import { FitSpec, fitDecisionModel } from './model-fit';
import { Condition, DecisionModel, Noise, simulateTrials } from './models';

export interface RecoveryDesign {
  policies: DecisionModel[];
  candidates: FitSpec[];
  noise: Noise;
  conditions: Condition[];
  levels: number[];
  trialsPerLevel: number;
  ratsPerPolicy: number;
  /** The |s| of the easiest trials, where errors estimate the lapse rate. */
  easiest: number;
}

export interface RecoveredRat {
  truth: string;
  rat: number;
  /** BIC of each candidate, in the order of design.candidates. */
  bic: number[];
  logLikelihood: number[];
  /** The candidate kind with the lowest BIC. */
  best: string;
  /** Error rate on the easiest trials, per condition name. */
  easyErrors: Record<string, number>;
}

/** Simulates and fits every rat; `onRat` is called after each (for a progress bar). */
export async function runRecoveryStudy(key: Key, d: RecoveryDesign, onRat?: (done: number) => void | Promise<void>): Promise<RecoveredRat[]> {
  checkInt('ratsPerPolicy', d.ratsPerPolicy, 1);
  const rows: RecoveredRat[] = [];
  for (const [g, policy] of d.policies.entries()) {
    for (let r = 0; r < d.ratsPerPolicy; r++) {
      const trials = simulateTrials(key.foldIn(g).foldIn(r), policy, d.noise, d.conditions, d.levels, d.trialsPerLevel);
      const fits = d.candidates.map((spec) => fitDecisionModel(spec, trials, d.conditions, key.foldIn(1000 + g).foldIn(r)));
      const bic = fits.map((f) => f.bic);
      const best = d.candidates[bic.indexOf(Math.min(...bic))].kind;
      const easyErrors = Object.fromEntries(d.conditions.map((c) => [c.name, easyErrorRate(trials, c.name, d.easiest).rate]));
      rows.push({ truth: policy.kind, rat: r, bic, logLikelihood: fits.map((f) => f.logLikelihood), best, easyErrors });
      if (onRat) await onRat(rows.length);
    }
  }
  return rows;
}

/** How many rats of each generating policy each candidate won: counts[truth][best]. */
export function recoveryCounts(rows: RecoveredRat[]): Record<string, Record<string, number>> {
  const counts: Record<string, Record<string, number>> = {};
  for (const r of rows) {
    counts[r.truth] ??= {};
    counts[r.truth][r.best] = (counts[r.truth][r.best] ?? 0) + 1;
  }
  return counts;
}

/** The `experiment` field of the record scripts/lapse-recovery.ts writes. */
export const RECOVERY_EXPERIMENT = 'lapse-recovery';

export interface RecoveryRecord {
  experiment: typeof RECOVERY_EXPERIMENT;
  script: string;
  command: string;
  seed: number;
  design: RecoveryDesign;
  seconds: number;
  rows: RecoveredRat[];
}

/** Reads a record written by scripts/lapse-recovery.ts, checking that it holds what the lecture reads. */
export function loadRecoveryRecord(path: string): RecoveryRecord {
  const record: RecoveryRecord = readRecord(path, RECOVERY_EXPERIMENT, 'npm run lapses:recovery');
  const n = record.design?.candidates?.length;
  if (!Array.isArray(record.rows) || !n || record.rows.some((r) => !Array.isArray(r.bic) || r.bic.length !== n || typeof r.best !== 'string')) {
    throw new DataError(`the recovery study ${path} lacks rows with one BIC per candidate`, 'regenerate it with `npm run lapses:recovery`');
  }
  return record;
}
