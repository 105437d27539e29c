// Psychometric functions with guess and lapse rates, and the binomial likelihood of choice counts:
//   p(Right | s) = gamma + (1 - gamma - lambda) F(s; mu, sigma)
// with F a cumulative normal, a logistic, or a Weibull (for s > 0; mu = scale, sigma = shape).
import { ParameterError, checkNumber } from '../core/errors';
import { normalCdf } from '../core/special';

export const CORES = ['normal', 'logistic', 'weibull'] as const;
export type Core = (typeof CORES)[number];

/** Throws unless `core` names one of the psychometric functions' cores. */
export function checkCore(core: string): void {
  if (!(CORES as readonly string[]).includes(core)) {
    throw new ParameterError(`core '${core}' is not one of ${CORES.join(', ')}`, 'pick one of those (a probit is the normal core)');
  }
}

export interface PsychometricParams {
  /** Threshold (normal, logistic) or scale (Weibull). */
  mu: number;
  /** Width (normal: standard deviation; logistic: scale) or shape (Weibull); positive. */
  sigma: number;
  /** Guess rate: P(Right) far to the left, in [0, 1). */
  gamma: number;
  /** Lapse rate: P(Left) far to the right, in [0, 1); gamma + lambda < 1. */
  lambda: number;
}

export function checkParams(p: PsychometricParams): void {
  checkNumber('mu', p.mu, () => true, 'finite');
  checkNumber('sigma', p.sigma, (v) => v > 0, 'positive');
  checkNumber('gamma', p.gamma, (v) => v >= 0 && v < 1, 'in [0, 1)');
  checkNumber('lambda', p.lambda, (v) => v >= 0 && v < 1, 'in [0, 1)');
  if (p.gamma + p.lambda >= 1) {
    throw new ParameterError(`gamma + lambda = ${p.gamma + p.lambda} leaves no room for the stimulus to matter`, 'choose guess and lapse rates that sum to less than 1');
  }
}

/** The core sigmoid F in [0, 1]. */
export function coreCdf(core: Core, s: number, mu: number, sigma: number): number {
  switch (core) {
    case 'normal': return normalCdf((s - mu) / sigma);
    case 'logistic': return 1 / (1 + Math.exp(-(s - mu) / sigma));
    case 'weibull':
      if (s < 0) throw new ParameterError(`the Weibull psychometric function got stimulus ${s} < 0`, 'use non-negative stimulus intensities, or the normal or logistic core');
      return 1 - Math.exp(-((s / mu) ** sigma));
  }
}

// derived in lecture 16 (notebooks/16-lapses.ipynb)
/** p(Right | s). */
export function psychometric(core: Core, p: PsychometricParams, s: number): number {
  checkParams(p);
  checkNumber('stimulus', s, () => true, 'finite');
  return p.gamma + (1 - p.gamma - p.lambda) * coreCdf(core, s, p.mu, p.sigma);
}

/** Choices aggregated per stimulus level. */
export interface ChoiceCounts {
  stimulus: number;
  /** Trials on which the subject chose Right. */
  right: number;
  /** All trials at this stimulus. */
  total: number;
}

export function checkCounts(data: ChoiceCounts[]): void {
  data.forEach((d, i) => {
    if (!Number.isFinite(d.stimulus)) throw new ParameterError(`row ${i}: stimulus is ${d.stimulus}`, 'pass finite stimulus values');
    if (!Number.isInteger(d.total) || d.total < 0) throw new ParameterError(`row ${i}: total = ${d.total} is not a non-negative count`, 'pass integer trial counts >= 0');
    if (!Number.isInteger(d.right) || d.right < 0 || d.right > d.total) {
      throw new ParameterError(`row ${i}: right = ${d.right} is not a count between 0 and total = ${d.total}`, 'pass the number of Right choices out of the trials at that stimulus');
    }
  });
}

function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log((n - k + i) / i);
  return s;
}

/** Binomial log-likelihood sum_i log Binom(right_i; total_i, p(s_i)), constants included. */
export function logLikelihood(core: Core, p: PsychometricParams, data: ChoiceCounts[]): number {
  checkParams(p);
  checkCounts(data);
  let ll = 0;
  for (const d of data) {
    const q = psychometric(core, p, d.stimulus);
    ll += logChoose(d.total, d.right);
    if (d.right > 0) ll += d.right * Math.log(q);
    if (d.total - d.right > 0) ll += (d.total - d.right) * Math.log(1 - q);
  }
  return ll;
}
