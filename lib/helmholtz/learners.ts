// One interface for every model and method of the Helmholtz-machine lecture: a learner owns a model,
// the surrogate loss of one training step, and an importance-sampled log p(x), so that wake-sleep,
// RWS, VIMCO, NVIL, a VAE and an IWAE train with one loop and are compared on one scale (nats).
import * as tf from '../core/tf';
import { ParameterError, checkInt } from '../core/errors';
import { Key } from '../core/random';
import { Vae } from '../vae/vae';
import { IwaeEstimator, iwaeSurrogate } from '../vae/dreg';
import { SigmoidBeliefNet } from './sbn';
import { HelmholtzMethod, NvilBaseline, SurrogateOptions, surrogateLoss } from './estimators';
import { importanceLogMarginal } from './likelihood';

export interface Learner {
  /** A short label for tables and legends, e.g. 'RWS K=5'. */
  readonly name: string;
  /** Everything the optimizer updates. */
  readonly variables: tf.Variable[];
  /** The surrogate loss of one step on binary data x [batch, data]: its gradient is the method's. */
  loss(key: Key, x: tf.Tensor2D): tf.Scalar;
  /** log p(x) per row, importance-sampled with `particles` draws from the recognition model (nats). */
  logMarginal(key: Key, x: tf.Tensor2D, particles: number): Float64Array;
  dispose(): void;
}

const METHOD_LABELS: Record<HelmholtzMethod, string> = { 'wake-sleep': 'wake-sleep', rws: 'RWS', vimco: 'VIMCO', nvil: 'NVIL' };

/** A sigmoid belief network trained by `method` (wake-sleep, rws, vimco or nvil). */
export function helmholtzLearner(model: SigmoidBeliefNet, method: HelmholtzMethod, key: Key, options: Omit<SurrogateOptions, 'baseline'> = {}): Learner {
  if (!(method in METHOD_LABELS)) throw new ParameterError(`unknown method '${method}'`, `use one of ${Object.keys(METHOD_LABELS).join(', ')}`);
  const baseline = method === 'nvil' ? new NvilBaseline(model.sizes[0], key) : undefined;
  const k = options.particles ?? (method === 'rws' || method === 'vimco' ? 5 : 1);
  const withK = method === 'rws' || method === 'vimco' ? ` K=${k}` : '';
  return {
    name: `${METHOD_LABELS[method]}${withK}`,
    variables: [...model.variables, ...(baseline?.variables ?? [])],
    loss: (stepKey, x) => surrogateLoss(method, model, stepKey, x, { ...options, particles: k, baseline }),
    logMarginal: (evalKey, x, particles) => importanceLogMarginal(model, evalKey, x, particles),
    dispose: () => {
      model.dispose();
      baseline?.dispose();
    },
  };
}

/**
 * A VAE with Gaussian latents trained on the K-particle importance-weighted bound: K = 1 is the
 * ELBO (a VAE), K > 1 an IWAE; 'dreg' gives the encoder the doubly-reparameterized gradient.
 */
export function vaeLearner(vae: Vae, particles: number, estimator: IwaeEstimator = 'iwae'): Learner {
  checkInt('particles', particles, 1);
  const name = particles === 1 ? 'VAE' : `IWAE K=${particles}${estimator === 'dreg' ? ' (DReG)' : ''}`;
  return {
    name,
    variables: vae.variables,
    loss: (stepKey, x) => iwaeSurrogate(vae, x, stepKey, particles, estimator),
    logMarginal: (evalKey, x, k) => {
      const t = vae.iwae(x, evalKey, k);
      const out = Float64Array.from(t.dataSync());
      t.dispose();
      return out;
    },
    dispose: () => vae.dispose(),
  };
}
