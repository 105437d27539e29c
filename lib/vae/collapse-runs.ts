// The experiments of the posterior-collapse lecture, defined once so that the training script and
// the notebook build exactly the same models: 14x14 binarized MNIST, 32 latents, an MLP encoder, and
// either the factorized decoder or the strong autoregressive one under each remedy.
import { DataError } from '../core/errors';
import { Key } from '../core/random';
import { ImageSet, downsample, loadMnist } from '../data';
import { loadWeightsOrDispose, readWeightsMeta, saveWeights } from '../nn';
import { AutoregressiveDecoder, FactorizedDecoder } from './decoders';
import { LatentVae } from './latent-vae';
import { KlSchedule, posteriorScaleForRate } from './objectives';
import { binarizedTestSet } from './train-vae';

export interface CollapseRun {
  name: string;
  /** What the run shows, for tables and legends. */
  label: string;
  decoder: 'factorized' | 'autoregressive';
  schedule: KlSchedule;
  freeBits: number;
  /** delta-VAE: the committed rate in nats per latent dimension (0: an ordinary posterior). */
  committedRate: number;
}

export const COLLAPSE_LATENT_DIM = 32;
export const COLLAPSE_ENCODER_HIDDEN = [256];
export const COLLAPSE_DECODER_HIDDEN = [512];

/** The runs for `steps` training steps: every remedy with the strong decoder, plus the weak decoder. */
export function collapseRuns(steps: number): CollapseRun[] {
  const base = { freeBits: 0, committedRate: 0 };
  const beta = (b: number): KlSchedule => ({ kind: 'constant', beta: b });
  return [
    { ...base, name: 'factorized', label: 'factorized decoder, ELBO', decoder: 'factorized', schedule: beta(1) },
    { ...base, name: 'elbo', label: 'autoregressive, ELBO', decoder: 'autoregressive', schedule: beta(1) },
    { ...base, name: 'annealing', label: 'autoregressive, KL annealing', decoder: 'autoregressive', schedule: { kind: 'linear', warmup: Math.round(steps / 2) } },
    { ...base, name: 'free-bits', label: 'autoregressive, free bits 0.25', decoder: 'autoregressive', schedule: beta(1), freeBits: 0.25 },
    { ...base, name: 'delta-vae', label: 'autoregressive, delta-VAE 0.1', decoder: 'autoregressive', schedule: beta(1), committedRate: 0.1 },
    ...[0.25, 0.5, 2, 4].map((b) => ({ ...base, name: `beta-${b}`, label: `autoregressive, beta = ${b}`, decoder: 'autoregressive' as const, schedule: beta(b) })),
  ];
}

/** A fresh model for a run. */
export function buildCollapseModel(run: CollapseRun, key: Key, dataDim = 196): LatentVae {
  const [kd, ke] = key.split(2);
  const d = COLLAPSE_LATENT_DIM;
  // z enters the autoregressive decoder through its hidden layer only, as in a conditional MADE
  const decoder = run.decoder === 'factorized'
    ? new FactorizedDecoder(d, dataDim, COLLAPSE_DECODER_HIDDEN, kd)
    : new AutoregressiveDecoder(d, dataDim, COLLAPSE_DECODER_HIDDEN, kd, 1);
  return new LatentVae(decoder, COLLAPSE_ENCODER_HIDDEN, ke, run.committedRate > 0 ? posteriorScaleForRate(run.committedRate) : undefined);
}

/** MNIST at 14x14: training intensities (binarized per batch) and the fixed binarized test set. */
export function collapseImages(): { train: ImageSet; test: ImageSet } {
  const mnist = loadMnist();
  return { train: downsample(mnist.train, 2), test: binarizedTestSet(downsample(mnist.test, 2)) };
}

export function saveCollapseModel(dir: string, run: CollapseRun, model: LatentVae, meta: Record<string, unknown>): void {
  saveWeights(dir, model.namedVariables(), { run, ...meta });
}

/** The model of `run` with the weights stored in `dir`, and the stored metadata. */
export function loadCollapseModel(dir: string, run: CollapseRun): { model: LatentVae; meta: Record<string, unknown> } {
  const meta = readWeightsMeta(dir) as { run: CollapseRun } & Record<string, unknown>;
  if (meta.run.name !== run.name) throw new DataError(`${dir} holds run "${meta.run.name}", not "${run.name}"`, 'pass the folder of the same run');
  const model = buildCollapseModel(run, Key.fromSeed(0));
  loadWeightsOrDispose(dir, model.namedVariables(), () => model.dispose());
  return { model, meta };
}
