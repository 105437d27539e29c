// The bars comparison of the Helmholtz-machine lecture, shared by the notebook's live runs and
// scripts/run-helmholtz.ts: every method trains on the same images, from the same initial networks,
// with the same steps and batch size, and is scored by its gap to the true distribution,
// KL(bars ‖ model) = −H − E_bars log p_model(x): exact for the SBNs (all 2^10 latent states
// enumerated), an importance-sampled upper bound for the VAEs (log p(x) estimated from below).
import * as tf from '../core/tf';
import { ParameterError, checkInt } from '../core/errors';
import { Key } from '../core/random';
import { Vae, VaeConfig } from '../vae/vae';
import { SigmoidBeliefNet } from './sbn';
import { HelmholtzMethod } from './estimators';
import { Learner, helmholtzLearner, vaeLearner } from './learners';
import { exactLogMarginal, exactPosteriorDivergences } from './likelihood';
import { barsDistribution, barsDistributionImages, barsEntropy, barsImages, expectedLogLikelihoodOnBars } from './bars';
import { fitLearner, tensorBatches } from './fit';

export interface BarsMethod {
  name: string;
  /** A sigmoid belief network trained by `method`, or a Gaussian-latent VAE on the K-particle bound. */
  model: 'sbn' | 'vae';
  method?: HelmholtzMethod;
  particles: number;
  learningRate: number;
}

/** One stochastic layer of 10 binary units: as many as there are bars. */
export const BARS_SBN_SIZES = [25, 10];
/** The continuous-latent counterpart: 10 Gaussian latents, one tanh layer of 64 each way. */
export const BARS_VAE_CONFIG: VaeConfig = { dataDim: 25, hidden: [64], latentDim: 10, activation: 'tanh' };
/** Adam's step sizes, tuned once per model family on seed 1 (0.01 and 0.03 for the SBNs; 0.003 and 0.01 for the VAEs). */
const SBN_RATE = 0.03;
const VAE_RATE = 0.01;

export const BARS_METHODS: BarsMethod[] = [
  { name: 'wake-sleep', model: 'sbn', method: 'wake-sleep', particles: 1, learningRate: SBN_RATE },
  { name: 'NVIL', model: 'sbn', method: 'nvil', particles: 1, learningRate: SBN_RATE },
  { name: 'RWS K=1', model: 'sbn', method: 'rws', particles: 1, learningRate: SBN_RATE },
  { name: 'RWS K=5', model: 'sbn', method: 'rws', particles: 5, learningRate: SBN_RATE },
  { name: 'RWS K=20', model: 'sbn', method: 'rws', particles: 20, learningRate: SBN_RATE },
  { name: 'VIMCO K=5', model: 'sbn', method: 'vimco', particles: 5, learningRate: SBN_RATE },
  { name: 'VAE', model: 'vae', particles: 1, learningRate: VAE_RATE },
  { name: 'IWAE K=5', model: 'vae', particles: 5, learningRate: VAE_RATE },
];

export function barsMethod(name: string): BarsMethod {
  const found = BARS_METHODS.find((m) => m.name === name);
  if (!found) throw new ParameterError(`no bars method '${name}'`, `use one of ${BARS_METHODS.map((m) => m.name).join(', ')}`);
  return found;
}

/** Particles of the importance-sampled log p(x) that scores a VAE on bars. */
export const BARS_VAE_SCORING_PARTICLES = 2000;

/** KL(bars ‖ model) in nats: exact for a sigmoid belief network, an upper bound for a VAE. */
export function barsGap(learner: Learner, sbn: SigmoidBeliefNet | undefined, key: Key, particles = BARS_VAE_SCORING_PARTICLES): number {
  const images = barsDistributionImages();
  try {
    let logP: ArrayLike<number>;
    if (sbn) {
      const t = exactLogMarginal(sbn, images);
      logP = t.dataSync();
      t.dispose();
    } else {
      logP = learner.logMarginal(key, images, particles);
    }
    return -expectedLogLikelihoodOnBars(logP) - barsEntropy();
  } finally {
    images.dispose();
  }
}

/**
 * How far an SBN's recognition model is from its true posterior, averaged over the bars images:
 * E_bars KL(q(h|x) ‖ p(h|x)), what the ELBO charges, and E_bars KL(p(h|x) ‖ q(h|x)), what the
 * sleep phase fits (on dreams). Exact, by enumeration.
 */
export function barsPosteriorDivergences(sbn: SigmoidBeliefNet): { qToP: number; pToQ: number } {
  const images = barsDistributionImages();
  const { qToP, pToQ } = exactPosteriorDivergences(sbn, images);
  images.dispose();
  const weights = barsDistribution().map((d) => d.probability);
  const mean = (v: Float64Array) => weights.reduce((s, w, i) => s + w * v[i], 0);
  return { qToP: mean(qToP), pToQ: mean(pToQ) };
}

export interface BarsRun {
  name: string;
  /** The gap after every `every` steps (and the last). */
  gaps: { step: number; gap: number }[];
  /** For an SBN: its recognition model's exact divergences at the same steps. */
  divergences?: { step: number; qToP: number; pToQ: number }[];
  seconds: number;
  learner: Learner;
  /** The network, for an SBN (to read its weights). */
  sbn?: SigmoidBeliefNet;
}

export interface BarsRunOptions {
  steps: number;
  /** Score the gap every `every` steps. */
  every: number;
  batchSize?: number;
  trainingImages?: number;
  /** Particles for scoring a VAE (an SBN is scored exactly). */
  scoringParticles?: number;
  progress?: 'auto' | 'lines' | 'off';
}

/**
 * Trains one method on bars for seed `seed`. Every method of a seed sees the same training images
 * in the same order; the SBNs start from the same network. The caller disposes run.learner.
 */
export async function runBarsMethod(method: BarsMethod, seed: number, o: BarsRunOptions): Promise<BarsRun> {
  checkInt('steps', o.steps, 1);
  checkInt('every', o.every, 1);
  const key = Key.fromSeed(seed);
  const data = barsImages(key.foldIn(1), o.trainingImages ?? 10000);
  let sbn: SigmoidBeliefNet | undefined;
  let learner: Learner;
  if (method.model === 'sbn') {
    sbn = new SigmoidBeliefNet(BARS_SBN_SIZES, key.foldIn(2), `bars-${method.name}`);
    learner = helmholtzLearner(sbn, method.method ?? 'rws', key.foldIn(3), { particles: method.particles });
  } else {
    learner = vaeLearner(new Vae(BARS_VAE_CONFIG, key.foldIn(2)), method.particles);
  }
  const scoreKey = key.foldIn(5);
  const divergences: NonNullable<BarsRun['divergences']> = [];
  let evaluated = 0;
  const score = (l: Learner) => {
    if (sbn) divergences.push({ step: Math.min(++evaluated * o.every, o.steps), ...barsPosteriorDivergences(sbn) });
    return barsGap(l, sbn, scoreKey, o.scoringParticles);
  };
  try {
    const result = await fitLearner(learner, tensorBatches(data, o.batchSize ?? 100, key.foldIn(4)), key.foldIn(6), {
      steps: o.steps,
      learningRate: method.learningRate,
      label: method.name,
      progress: o.progress,
      evaluate: { every: o.every, score },
    });
    const gaps = result.curve.map((c) => ({ step: c.step, gap: c.value }));
    return { name: method.name, gaps, divergences: sbn ? divergences : undefined, seconds: result.seconds, learner, sbn };
  } catch (e) {
    learner.dispose();
    throw e;
  } finally {
    tf.dispose(data);
  }
}
