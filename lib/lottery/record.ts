// The shipped results of the lottery-ticket runs (data/lottery): what a run keeps of its training,
// masks as base64 bit sets, and a reader that names what is missing or malformed.
import * as fs from 'fs';
import { DataError } from '../core/errors';
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
  if (!fs.existsSync(file)) {
    throw new DataError(`${file} is missing`, `run \`npm run lottery -- --experiment ${experiment}\` to make it, or restore data/lottery from git`);
  }
  let record: any;
  try {
    record = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new DataError(`${file} is not valid JSON (${(e as Error).message})`, 'restore it from git or run the script again');
  }
  if (record?.experiment !== experiment) {
    throw new DataError(`${file} holds experiment '${record?.experiment}', not '${experiment}'`, 'pass the file that experiment wrote');
  }
  return record;
}
