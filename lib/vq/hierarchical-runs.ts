// The hierarchical VQ-VAE lecture's models, chosen once for its notebook, its long runs
// (scripts/train-hvq.ts) and the benchmark, and how a trained run is saved and loaded: the
// autoencoder, its priors over codes and a record, in one folder.
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '../core/tf';
import { DataError } from '../core/errors';
import { Key } from '../core/random';
import { loadWeightsOrDispose, readWeightsMeta, saveWeights } from '../nn/weights';
import { TransformerConfig } from '../attention/transformer';
import { HierarchicalVqConfig, HierarchicalVqVae } from './hierarchical-vq-vae';
import { Codebook, LocalCodePrior, LocalPriorConfig } from './local-code-prior';
import { TransformerCodePrior } from './transformer-code-prior';

/**
 * Two levels: 4 top codes of 128 and a 7x7 grid of 128 bottom codes, 371 bits an image. One level:
 * the same 7x7 grid with 190 codes, 49 log2 190 = 370.9 bits, so both keep the same information.
 */
export const TWO_LEVELS: Partial<HierarchicalVqConfig> = { topCodes: 4, bottomCodebook: 128, topCodebook: 128 };
export const ONE_LEVEL: Partial<HierarchicalVqConfig> = { topCodes: 0, bottomCodebook: 190 };

/** The bottom prior: each code sees two rows above and two cells to its left (and the top codes). */
export const BOTTOM_PRIOR: LocalPriorConfig = { grid: 7, radius: 2, hidden: [256, 256] };

/** The top prior: a small causal Transformer over the 4 top codes. */
export const TOP_PRIOR: Omit<TransformerConfig, 'maxLength'> = { width: 64, heads: 4, hidden: 128, layers: 2, positions: 'learned', norm: 'pre', residual: true };

/** A Keras VQ-VAE on MNIST (7x7 codes, K = 128, D = 16): normalised training reconstruction error after 30 epochs. */
export const KERAS_VQ_VAE_MNIST = { error: 0.044, epochs: 30, source: 'keras.io/examples/generative/vq_vae (Sayak Paul), as cited in this series\' lecture plan' };

/** The VQ-VAE paper's CIFAR-10 bits per dimension: the discrete model against a continuous VAE (van den Oord et al. 2017). */
export const VQ_VAE_PAPER_CIFAR10 = { vqvae: 4.67, vae: 4.51 };

export interface HvqRun {
  model: HierarchicalVqVae;
  bottomPrior: LocalCodePrior;
  topPrior: TransformerCodePrior | null;
}

function codebookOf(q: { codebook: tf.Variable; codebookSize: number; options: { codeDim: number } }): Codebook {
  return { vectors: Float32Array.from(q.codebook.dataSync()), size: q.codebookSize, dim: q.options.codeDim };
}

/** The priors for a model, built from copies of its current codebooks. */
export function buildPriors(model: HierarchicalVqVae, key: Key): { bottomPrior: LocalCodePrior; topPrior: TransformerCodePrior | null } {
  const [kb, kt] = key.split(2);
  const top = model.top;
  const bottomPrior = new LocalCodePrior({ ...BOTTOM_PRIOR, grid: model.config.bottomGrid }, codebookOf(model.bottom), kb,
    top ? { codebook: codebookOf(top), positions: model.config.topCodes } : null);
  const topPrior = top ? new TransformerCodePrior(model.config.topCodes, top.codebookSize, TOP_PRIOR, kt) : null;
  return { bottomPrior, topPrior };
}

function priorVariables(run: HvqRun): [string, tf.Variable][] {
  return [...run.bottomPrior.namedVariables().map(([n, v]): [string, tf.Variable] => [`bottom-prior/${n}`, v]),
    ...(run.topPrior?.variables ?? []).map((v, i): [string, tf.Variable] => [`top-prior/v${i}`, v])];
}

/** Writes the autoencoder alone to dir/model with its record (a run whose priors are not fitted). */
export function saveHvqModel(dir: string, model: HierarchicalVqVae, record: Record<string, unknown>): void {
  saveWeights(path.join(dir, 'model'), model.namedVariables(), { config: model.config, ...record });
}

/** Writes the autoencoder and its priors to dir/model and dir/priors, with the record in both. */
export function saveHvqRun(dir: string, run: HvqRun, record: Record<string, unknown>): void {
  saveHvqModel(dir, run.model, record);
  saveWeights(path.join(dir, 'priors'), priorVariables(run), { config: run.model.config, ...record });
}

/** A saved autoencoder (of any run) and its record, nothing left behind if a file is refused. */
export function loadHvqModel(dir: string): { model: HierarchicalVqVae; record: Record<string, any> } {
  let meta: { config: HierarchicalVqConfig } & Record<string, unknown>;
  try {
    meta = readWeightsMeta(path.join(dir, 'model')) as typeof meta;
  } catch (e) {
    throw new DataError(`no trained VQ-VAE run in ${dir} (${(e as Error).message})`, 'train it with npm run train:hvq, or check the path');
  }
  const model = new HierarchicalVqVae(meta.config, Key.fromSeed(0));
  loadWeightsOrDispose(path.join(dir, 'model'), model.namedVariables(), () => model.dispose());
  // the EMA state restarts from the loaded codes, so further training continues from them
  model.quantizers.forEach((q) => q.setCodebook(q.codebook.arraySync() as number[][]));
  return { model, record: meta };
}

/** A saved run with its priors, its record, and nothing left behind if a file is refused. */
export function loadHvqRun(dir: string): { run: HvqRun; record: Record<string, any> } {
  const { model, record: meta } = loadHvqModel(dir);
  if (!fs.existsSync(path.join(dir, 'priors', 'weights.json'))) {
    model.dispose();
    throw new DataError(`${dir} holds an autoencoder without priors over its codes`,
      'load it with loadHvqModel, or train a run with priors: npm run train:hvq without --inputs grey');
  }
  const { bottomPrior, topPrior } = buildPriors(model, Key.fromSeed(0));
  const run: HvqRun = { model, bottomPrior, topPrior };
  loadWeightsOrDispose(path.join(dir, 'priors'), priorVariables(run), () => { model.dispose(); bottomPrior.dispose(); topPrior?.dispose(); });
  return { run, record: meta };
}

export function disposeHvqRun(run: HvqRun): void {
  run.model.dispose();
  run.bottomPrior.dispose();
  run.topPrior?.dispose();
}
