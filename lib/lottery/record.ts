// The shipped results of the lottery-ticket runs (data/lottery): what a run keeps of its training,
// masks as base64 bit sets, and a reader that names what is missing or malformed.
import { DataError } from '../core/errors';
import { readRecord } from '../data/records';
import { meanAndStderr } from '../core/stats';
import { Masks, packMasks, unpackMasks } from './masks';
import { ClassifierRun } from './train-classifier';

/** A run without its weights: early stopping, accuracies and the validation curve (4 significant digits). */
export interface RunSummary {
  earlyStopIteration: number;
  testAccuracy: number;
  finalTestAccuracy: number;
  curve: [number, number][];
  seconds: number;
}

export function summarize(run: ClassifierRun): RunSummary {
  return {
    earlyStopIteration: run.earlyStopIteration,
    testAccuracy: run.testAccuracy,
    finalTestAccuracy: run.finalTestAccuracy,
    curve: run.curve.map((c) => [c.iteration, Number(c.validationLoss.toPrecision(4))]),
    seconds: Math.round(run.seconds),
  };
}

export function encodeMasks(masks: Masks): string[] {
  return packMasks(masks).map((bytes) => Buffer.from(bytes).toString('base64'));
}

export function decodeMasks(encoded: string[], weightCounts: number[]): Masks {
  return unpackMasks(encoded.map((s) => new Uint8Array(Buffer.from(s, 'base64'))), weightCounts);
}

/** Reads one results file of scripts/run-lottery.ts, checking that it is the experiment asked for. */
export function readLotteryRecord(file: string, experiment: string): any {
  return readRecord(file, experiment, `npm run lottery -- --experiment ${experiment}`);
}

/** Mean and standard error over seeds of one kind of network at one pruning level. */
export interface LevelStatistics {
  round: number;
  remaining: number;
  kind: 'ticket' | 'reinit' | 'random';
  seeds: number;
  accuracy: { mean: number; stderr: number };
  earlyStop: { mean: number; stderr: number };
}

/** Per level and kind, the test accuracy and early-stopping iteration over the seeds of ladder records. */
export function ladderStatistics(records: any[]): LevelStatistics[] {
  const rounds = records[0].levels.map((l: any) => l.round);
  const out: LevelStatistics[] = [];
  for (const round of rounds) {
    const levels = records.map((r) => {
      const level = r.levels.find((l: any) => l.round === round);
      if (!level) throw new DataError(`seed ${r.seed} has no pruning round ${round}`, 'run every seed with the same number of rounds');
      return level;
    });
    for (const kind of ['ticket', 'reinit', 'random'] as const) {
      const runs: RunSummary[] = levels.map((l) => l[kind]).filter((run) => run !== undefined);
      if (runs.length === 0) continue;
      out.push({
        round, remaining: levels[0].remaining, kind, seeds: runs.length,
        accuracy: meanAndStderr(runs.map((run) => run.testAccuracy)),
        earlyStop: meanAndStderr(runs.map((run) => run.earlyStopIteration)),
      });
    }
  }
  return out;
}
