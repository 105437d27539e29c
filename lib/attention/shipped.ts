// The attention lecture's trained models as they ship in data/attention/<name>/: the configuration
// and record beside the weights, and loading them back into a model of the same build.
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '../core/tf';
import { DataError, ParameterError } from '../core/errors';
import { Key } from '../core/random';
import { loadWeightsOrDispose, readWeightsMeta, saveWeights } from '../nn/weights';
import { GruSeq2Seq } from './gru';
import { CausalTransformer, Seq2SeqTransformer, TransformerConfig } from './transformer';

export type ModelSpec =
  | { kind: 'seq2seq'; config: TransformerConfig; sourceVocab: number; targetVocab: number }
  | { kind: 'causal'; config: TransformerConfig; vocab: number }
  | { kind: 'gru'; width: number; sourceVocab: number; targetVocab: number };

export type AttentionModel = Seq2SeqTransformer | CausalTransformer | GruSeq2Seq;

/** A fresh model of the spec, initialised from `key`. */
export function buildModel(spec: ModelSpec, key: Key): AttentionModel {
  if (spec.kind === 'seq2seq') return new Seq2SeqTransformer(spec.config, spec.sourceVocab, spec.targetVocab, key);
  if (spec.kind === 'causal') return new CausalTransformer(spec.config, spec.vocab, key);
  if (spec.kind === 'gru') return new GruSeq2Seq(spec.width, spec.sourceVocab, spec.targetVocab, key);
  throw new ParameterError(`unknown model kind '${(spec as { kind: string }).kind}'`, 'use seq2seq, causal or gru');
}

/** The variables under their place in the model (`v0`, `v1`, …): the build fixes the order. */
function numbered(model: AttentionModel): [string, tf.Variable][] {
  return model.variables.map((v, i) => [`v${i}`, v]);
}

/** Writes the model, its spec and `record` to `dir`. */
export function saveModel(dir: string, spec: ModelSpec, model: AttentionModel, record: Record<string, unknown>): void {
  fs.mkdirSync(dir, { recursive: true });
  saveWeights(dir, numbered(model), { spec, ...record });
}

/** The model stored in `dir`, and its record; the caller disposes the model. */
export function loadModel<T extends AttentionModel = AttentionModel>(dir: string): { model: T; record: { spec: ModelSpec } & Record<string, any> } {
  if (!fs.existsSync(path.join(dir, 'weights.json'))) {
    throw new DataError(`no shipped model at ${dir}`, 'restore data/attention from git, or run `npm run attention` (scripts/run-attention.ts) to train it');
  }
  const record = readWeightsMeta(dir) as { spec: ModelSpec } & Record<string, any>;
  if (!record?.spec?.kind) throw new DataError(`${dir}/weights.json has no model spec`, 'use a folder written by scripts/run-attention.ts');
  const model = buildModel(record.spec, Key.fromSeed(0));
  loadWeightsOrDispose(dir, numbered(model), () => model.dispose());
  return { model: model as T, record };
}
