// The shipped binarized-MNIST models of the Helmholtz-machine lecture (data/helmholtz-mnist/<run>/,
// written by scripts/train-helmholtz-mnist.ts): loading a run's weights into its learner, the
// published figures it is compared with, and its active units.
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '../core/tf';
import { DataError, checkNumber } from '../core/errors';
import { Key } from '../core/random';
import { loadWeightsOrDispose, readWeightsMeta } from '../nn';
import { Vae } from '../vae/vae';
import { activeUnits } from '../vae/diagnostics';
import { HelmholtzMethod } from './estimators';
import { Learner, helmholtzLearner, vaeLearner } from './learners';
import { SigmoidBeliefNet } from './sbn';
import { setOutputBias } from './init';

/**
 * Published test log-likelihoods on binarized MNIST (nats; reported as −log p(x)).
 * Burda, Grosse and Salakhutdinov (2016): one stochastic layer (784-200-200-50 tanh),
 * dynamic binarization, 3,280 epochs, scored with k = 5,000.
 * Mnih and Rezende (2016, VIMCO): SBN 200-200-200 trained with K = 5.
 */
export const MNIST_ANCHORS = {
  burda2016: { epochs: 3280, 'VAE': 86.76, 'IWAE K=5': 85.54, 'IWAE K=50': 84.78 },
  mnihRezende2016: { 'VIMCO K=5': 92.8, 'RWS K=5': 93.5 },
} as const;

/**
 * Stage i (0…7) of Burda et al.'s (2016) training schedule: 3^i epochs at learning rate 10^(-3 - i/7)
 * (Adam with β1 = 0.9, β2 = 0.999, ε = 1e-4), 3,280 epochs over the eight stages.
 */
export function burdaStage(i: number): { epochs: number; learningRate: number } {
  checkNumber('stage', i, (v) => Number.isInteger(v) && v >= 0 && v <= 7, 'one of Burda et al.\'s stages 0…7');
  return { epochs: 3 ** i, learningRate: 1e-3 * 10 ** (-i / 7) };
}

/** What the training script records next to the weights. */
export interface MnistRunRecord {
  learner: string;
  method: HelmholtzMethod | 'vae';
  sizes: number[];
  particles: number;
  /** The seed of the first stage's key; a continued run keeps it (its stages fold in their own keys). */
  seed?: number;
  epochs: number;
  steps: number;
  batch: number;
  /** The last stage's learning rate. */
  learningRate: number;
  /** For a run continued from another (--continue): every stage's epochs and learning rate. */
  stages?: { epochs: number; learningRate: number }[];
  continued?: { from: string; command: string };
  backend?: string;
  /** Training seconds over all stages. */
  seconds: number;
  curve: { images: number; particles: number; points: { epoch: number; meanLogP: number }[] };
  test: { images: number; particles: number; meanLogP: number; perImage: number[]; seconds: number };
  command: string;
  /** Where the test scores came from a later run of scripts/score-helmholtz-mnist.ts: its command. */
  scoredBy?: string;
}

export interface MnistModelSpec {
  method: HelmholtzMethod | 'vae';
  /** SBN: [784, h_1, …, h_M]; VAE: [784, hidden…, latent]. */
  sizes: number[];
  /** K of RWS and VIMCO; k of the VAE's bound (1 is the ELBO, more an IWAE). */
  particles: number;
}

export type MnistModel = { learner: Learner; named: [string, tf.Variable][] } & ({ kind: 'sbn'; sbn: SigmoidBeliefNet } | { kind: 'vae'; vae: Vae });
export type MnistRun = MnistModel & { record: MnistRunRecord };

/**
 * A fresh model of the MNIST comparison, initialised from key.foldIn(1) (and an NVIL baseline from
 * key.foldIn(2)); with `outputLogits` the output layer's bias starts there (e.g. marginalLogits).
 */
export function buildMnistModel(spec: MnistModelSpec, key: Key, outputLogits?: Float32Array): MnistModel {
  const { method, sizes, particles } = spec;
  if (method === 'vae') {
    const vae = new Vae({ dataDim: sizes[0], hidden: sizes.slice(1, -1), latentDim: sizes[sizes.length - 1], activation: 'tanh' }, key.foldIn(1));
    if (outputLogits) setOutputBias(vae.decoder.layers[vae.decoder.layers.length - 1], outputLogits);
    return { kind: 'vae', vae, named: vae.namedVariables(), learner: vaeLearner(vae, particles) };
  }
  const sbn = new SigmoidBeliefNet(sizes, key.foldIn(1), 'sbn');
  if (outputLogits) setOutputBias(sbn.generative[0], outputLogits);
  return { kind: 'sbn', sbn, named: sbn.namedVariables(), learner: helmholtzLearner(sbn, method, key.foldIn(2), { particles }) };
}

/** Rebuilds the run stored in `dir` and loads its weights; the caller disposes run.learner. */
export function loadMnistRun(dir: string): MnistRun {
  if (!fs.existsSync(path.join(dir, 'weights.json'))) {
    throw new DataError(`no shipped model at ${dir}`, 'restore data/helmholtz-mnist from git, or train it with scripts/train-helmholtz-mnist.ts (the command is in the other runs\' records)');
  }
  const record = readWeightsMeta(dir) as MnistRunRecord;
  if (!Array.isArray(record?.sizes) || !record.test || !Array.isArray(record.test.perImage)) {
    throw new DataError(`${dir}/weights.json has no run record (sizes, test scores)`, 'use a folder written by scripts/train-helmholtz-mnist.ts');
  }
  const model = buildMnistModel(record, Key.fromSeed(0)); // the initial weights are all overwritten
  loadWeightsOrDispose(dir, model.named, () => model.learner.dispose());
  return { ...model, record };
}

/**
 * The number of active latent units in the first latent layer: units whose posterior mean E_q[h | x]
 * varies across the images x by more than `threshold` (Burda et al.'s criterion; for binary units
 * the mean is q's probability of the unit being on).
 */
export function mnistActiveUnits(run: MnistRun, x: tf.Tensor2D, threshold = 0.01): { count: number; of: number } {
  const means = tf.tidy(() => (run.kind === 'vae' ? run.vae.encoder.apply(x).slice([0, 0], [-1, run.vae.config.latentDim]) : tf.sigmoid(run.sbn.recognition[0].apply(x))));
  const d = means.shape[1];
  const values = means.dataSync() as Float32Array;
  means.dispose();
  return { count: activeUnits(values, d, threshold).count, of: d };
}
