// Bayesian fit on a grid with psignifit-style priors (Beta(1, 10) on the guess and lapse rates,
// uniform on the threshold over the stimulus range, uniform on log width), with marginal credible
// intervals; and a parametric bootstrap of the maximum-likelihood fit.
import { ParameterError, checkInt } from '../core/errors';
import { Key } from '../core/random';
import { ChoiceCounts, Core, PsychometricParams, checkCounts, psychometric } from './functions';
import { FitOptions, fitPsychometric } from './fit';
import { simulateChoices } from './simulate';

export interface Interval { mean: number; lower: number; upper: number }

export interface BayesFit {
  /** Posterior mean and central credible interval of each parameter. */
  marginals: Record<keyof PsychometricParams, Interval>;
  /** Probability of the credible intervals. */
  credibility: number;
  /** log of the evidence on the grid (up to the grid cell volume), for comparisons on the same grid. */
  logEvidence: number;
}

const NAMES: (keyof PsychometricParams)[] = ['mu', 'sigma', 'gamma', 'lambda'];

function linspace(a: number, b: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
}

/** Grid posterior: `points` values per parameter (rates on [0, maxRate), width log-spaced). */
export function fitBayesGrid(data: ChoiceCounts[], core: Core = 'normal', points = 25, credibility = 0.95, maxRate = 0.5): BayesFit {
  checkCounts(data);
  checkInt('points', points, 3);
  if (!(credibility > 0 && credibility < 1)) throw new ParameterError(`credibility = ${credibility}`, 'choose a probability such as 0.95');
  const s = data.map((d) => d.stimulus);
  const lo = Math.min(...s);
  const hi = Math.max(...s);
  const span = hi - lo || 1;
  const grid: Record<keyof PsychometricParams, number[]> = {
    mu: linspace(lo, hi, points),
    sigma: linspace(Math.log(span / 100), Math.log(span), points).map(Math.exp),
    gamma: linspace(0, maxRate, points + 1).slice(0, -1),
    lambda: linspace(0, maxRate, points + 1).slice(0, -1),
  };
  const logBeta110 = (x: number) => Math.log(10) + 9 * Math.log(1 - x); // Beta(1, 10) density
  const logPost: number[] = [];
  const index: number[][] = [];
  for (let a = 0; a < points; a++) for (let b = 0; b < points; b++) for (let c = 0; c < points; c++) for (let d = 0; d < points; d++) {
    const p = { mu: grid.mu[a], sigma: grid.sigma[b], gamma: grid.gamma[c], lambda: grid.lambda[d] };
    if (p.gamma + p.lambda >= 1) continue;
    let lp = logBeta110(p.gamma) + logBeta110(p.lambda);
    for (const x of data) {
      const q = psychometric(core, p, x.stimulus);
      if (x.right > 0) lp += x.right * Math.log(q);
      if (x.total > x.right) lp += (x.total - x.right) * Math.log(1 - q);
    }
    logPost.push(lp);
    index.push([a, b, c, d]);
  }
  const max = logPost.reduce((m, v) => (v > m ? v : m), -Infinity);
  const w = logPost.map((v) => Math.exp(v - max));
  const total = w.reduce((x, y) => x + y, 0);
  const marginals = {} as Record<keyof PsychometricParams, Interval>;
  NAMES.forEach((name, k) => {
    const mass = new Array(points).fill(0);
    w.forEach((wi, i) => { mass[index[i][k]] += wi / total; });
    const values = grid[name];
    const mean = mass.reduce((m, p, i) => m + p * values[i], 0);
    // the grid cell holding quantile q; the interval reaches to that cell's outer edge, so that the
    // discretisation widens it rather than cutting it short
    const cell = (q: number) => {
      let acc = 0;
      for (let i = 0; i < points; i++) { acc += mass[i]; if (acc >= q) return i; }
      return points - 1;
    };
    const edge = (i: number, side: -1 | 1) => {
      const j = i + side;
      if (j < 0 || j >= points) return values[i];
      return name === 'sigma' ? Math.sqrt(values[i] * values[j]) : (values[i] + values[j]) / 2;
    };
    marginals[name] = { mean, lower: edge(cell((1 - credibility) / 2), -1), upper: edge(cell(1 - (1 - credibility) / 2), 1) };
  });
  return { marginals, credibility, logEvidence: max + Math.log(total) };
}

/** Parametric bootstrap: refits `samples` data sets simulated from the ML fit; percentile intervals. */
export function bootstrap(data: ChoiceCounts[], key: Key, samples = 200, options: Partial<FitOptions> = {}, level = 0.95): Record<keyof PsychometricParams, Interval> {
  checkInt('samples', samples, 2);
  const [kFit, kSim] = key.split(2);
  const fit = fitPsychometric(data, kFit, options);
  const draws: PsychometricParams[] = [];
  for (let b = 0; b < samples; b++) {
    const sim = data.map((d, i) => simulateChoices(kSim.foldIn(b).foldIn(i), fit.options.core, fit.params, [d.stimulus], Math.max(d.total, 1))[0])
      .map((r, i) => ({ ...r, total: data[i].total, right: data[i].total === 0 ? 0 : r.right }));
    draws.push(fitPsychometric(sim, kFit.foldIn(b + 1), { ...options, starts: 2 }).params);
  }
  const out = {} as Record<keyof PsychometricParams, Interval>;
  NAMES.forEach((name) => {
    const v = draws.map((d) => d[name]).sort((a, b) => a - b);
    const at = (q: number) => v[Math.min(v.length - 1, Math.max(0, Math.round(q * (v.length - 1))))];
    out[name] = { mean: v.reduce((a, b) => a + b, 0) / v.length, lower: at((1 - level) / 2), upper: at(1 - (1 - level) / 2) };
  });
  return out;
}
