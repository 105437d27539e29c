// The sequence lecture's data sets and models, fixed in one place so that the training script and
// the notebook build the same ones: the linear-Gaussian state-space model with its train and test
// sequences, the phoneme source, and the three recognition designs by name, with their weights
// saved and loaded beside a record of how they were trained.
import { ParameterError } from '../core/errors';
import { Key } from '../core/random';
import { loadWeightsOrDispose, readWeightsMeta, saveWeights } from '../nn/weights';
import { StateSpaceModel, rotatingLatentModel, sampleStateSpace } from './state-space';
import { PhonemeSource, phonemeSource, samplePhonemes } from './phonemes';
import { Gate, PredictiveCodingModel } from './predictive-coding';
import { Likelihood, SequenceLatentModel } from './sequence-model';
import { Vrnn } from './vrnn';
import { SmoothingModel } from './smoother';
import { DeltaSequenceVae } from './delta-vae';

/** The state-space data: one rotation of 0.5 rad per step, decay 0.95, 10 observed dimensions. */
export const STATE_SPACE_SETUP = { angles: [0.5], decay: 0.95, observed: 10, noise: 0.5, steps: 10, train: 2000, test: 200 };

/** The lecture's state-space model and its sequences (fixed seeds: the data do not change with the reader's seed). */
export function lectureStateSpace(): { model: StateSpaceModel; train: number[][][]; test: number[][][]; testLatents: number[][][] } {
  const s = STATE_SPACE_SETUP;
  const model = rotatingLatentModel({ angles: s.angles, decay: s.decay, observed: s.observed, noise: s.noise }, Key.fromSeed(1));
  const test = sampleStateSpace(model, s.steps, s.test, Key.fromSeed(3));
  return { model, train: sampleStateSpace(model, s.steps, s.train, Key.fromSeed(2)).x, test: test.x, testLatents: test.z };
}

/** The phoneme data: 4 symbols of 5 steps each in 6 dimensions, 4 phonemes (20 steps) per sequence. */
export const PHONEME_SETUP = { symbols: 4, dims: 6, duration: 5, noise: 0.3, phonemes: 4, train: 2000, test: 500 };

export function lecturePhonemes(): { source: PhonemeSource; train: ReturnType<typeof samplePhonemes>; test: ReturnType<typeof samplePhonemes> } {
  const s = PHONEME_SETUP;
  const source = phonemeSource({ symbols: s.symbols, dims: s.dims, duration: s.duration, noise: s.noise }, Key.fromSeed(11));
  return { source, train: samplePhonemes(source, s.phonemes, s.train, Key.fromSeed(12)), test: samplePhonemes(source, s.phonemes, s.test, Key.fromSeed(13)) };
}

/**
 * MNIST read row by row: 28 steps of 28 pixels, freshly binarized in every training batch, and the
 * test digits in the fixed binarization every lecture shares; the models' sizes and their training.
 */
export const MNIST_ROWS_SETUP = { latent: 16, width: 128, hidden: [128], batch: 64, learningRate: 1e-3, testImages: 1000, particles: 1000 };

export type Design = 'predictive coding' | 'VRNN' | 'smoother' | 'delta VAE';
/** The three designs the lecture compares; the delta VAE is the collapse section's. */
export const DESIGNS: Design[] = ['predictive coding', 'VRNN', 'smoother'];

export interface DesignConfig {
  design: Design;
  data: number;
  latent: number;
  width: number;
  hidden: number[];
  likelihood: Likelihood;
  /** For predictive coding (default 'learned'). */
  gate?: Gate;
  /** For the delta VAE: the AR(1) prior's coefficient. */
  alpha?: number;
}

export function buildDesign(c: DesignConfig, key: Key): SequenceLatentModel {
  const base = { data: c.data, latent: c.latent, width: c.width, hidden: c.hidden, likelihood: c.likelihood };
  if (c.design === 'predictive coding') return new PredictiveCodingModel({ ...base, gate: c.gate ?? 'learned' }, key);
  if (c.design === 'VRNN') return new Vrnn(base, key);
  if (c.design === 'smoother') return new SmoothingModel(base, key);
  if (c.design === 'delta VAE') {
    if (c.alpha === undefined) throw new ParameterError('a delta VAE needs its prior\'s alpha', 'pass alpha in [0, 1)');
    return new DeltaSequenceVae({ ...base, alpha: c.alpha }, key);
  }
  throw new ParameterError(`no design named '${c.design}'`, `pick one of ${DESIGNS.join(', ')} or delta VAE`);
}

/** A folder name for a design: 'predictive-coding', 'vrnn', 'smoother'. */
export const designFolder = (d: Design): string => d.toLowerCase().replace(/ /g, '-');

/** Writes the model's weights with its config and `meta` (how it was trained, what it scored). */
export function saveDesign(dir: string, config: DesignConfig, model: SequenceLatentModel, meta: object): void {
  saveWeights(dir, model.namedVariables(), { config, ...meta });
}

/** Rebuilds a saved model from its folder; its meta comes back beside it. */
export function loadDesign(dir: string): { model: SequenceLatentModel; config: DesignConfig; meta: any } {
  const meta = readWeightsMeta(dir) as { config: DesignConfig };
  const model = buildDesign(meta.config, Key.fromSeed(0));
  loadWeightsOrDispose(dir, model.namedVariables(), () => model.dispose());
  return { model, config: meta.config, meta };
}
