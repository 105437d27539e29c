// Maximum-likelihood fit of a psychometric function. Parameters stay in their ranges through the
// reparameterisation sigma = exp(a), gamma = maxRate * sigmoid(b), lambda = maxRate * sigmoid(c)
// (never by clamping); several starts from keyed draws; standard errors from the observed
// information (a finite-difference Hessian of the negative log-likelihood in natural parameters).
import { ParameterError, checkInt } from '../core/errors';
import { Key } from '../core/random';
import { sigmoid } from '../core/special';
import { inverseSpd } from '../linalg/matrix';
import { ChoiceCounts, Core, PsychometricParams, checkCore, checkCounts, logLikelihood } from './functions';
import { nelderMead } from './optimize';

export interface FitOptions {
  core: Core;
  /** Upper limit of the guess and lapse rates (psignifit uses 0.5 for free rates). */
  maxRate: number;
  /** Fix the guess rate (e.g. 0) instead of fitting it. */
  fixGamma?: number;
  /** Fix the lapse rate (e.g. 0, the classic mistake the lecture examines). */
  fixLambda?: number;
  /** Number of optimisation starts drawn from the key. */
  starts: number;
}

export function defaultFitOptions(): FitOptions {
  return { core: 'normal', maxRate: 0.5, starts: 8 };
}

export interface FitResult {
  params: PsychometricParams;
  logLikelihood: number;
  /** Number of free parameters (for AIC and BIC). */
  freeParameters: number;
  /** Standard errors of the free parameters, by name (NaN where the information is singular). */
  standardErrors: Partial<Record<keyof PsychometricParams, number>>;
  options: FitOptions;
}

const logit = (p: number) => Math.log(p / (1 - p));

/** Fits mu, sigma (and gamma, lambda unless fixed) to choice counts by maximum likelihood. */
export function fitPsychometric(data: ChoiceCounts[], key: Key, options: Partial<FitOptions> = {}): FitResult {
  const o = { ...defaultFitOptions(), ...options };
  checkCore(o.core);
  checkCounts(data);
  checkInt('starts', o.starts, 1);
  if (data.reduce((s, d) => s + d.total, 0) === 0) throw new ParameterError('the data hold no trials', 'pass choice counts with at least one trial');
  for (const [name, v] of [['fixGamma', o.fixGamma], ['fixLambda', o.fixLambda]] as [string, number | undefined][]) {
    if (v !== undefined && !(v >= 0 && v < o.maxRate)) throw new ParameterError(`${name} = ${v} is outside [0, ${o.maxRate})`, `fix the rate inside [0, ${o.maxRate})`);
  }
  const names: (keyof PsychometricParams)[] = ['mu', 'sigma'];
  if (o.fixGamma === undefined) names.push('gamma');
  if (o.fixLambda === undefined) names.push('lambda');
  const toParams = (u: number[]): PsychometricParams => {
    const byName: Record<string, number> = {};
    names.forEach((n, i) => { byName[n] = u[i]; });
    return {
      mu: byName.mu,
      sigma: Math.exp(byName.sigma),
      gamma: o.fixGamma ?? o.maxRate * sigmoid(byName.gamma),
      lambda: o.fixLambda ?? o.maxRate * sigmoid(byName.lambda),
    };
  };
  const stimuli = data.map((d) => d.stimulus);
  const lo = Math.min(...stimuli);
  const hi = Math.max(...stimuli);
  const span = hi - lo || 1;
  const objective = (u: number[]) => {
    const p = toParams(u);
    if (!(p.gamma + p.lambda < 1) || !Number.isFinite(p.sigma) || p.sigma <= 0) return Infinity;
    const ll = logLikelihood(o.core, p, data);
    return Number.isFinite(ll) ? -ll : Infinity;
  };
  let best: { x: number[]; value: number } | null = null;
  for (let s = 0; s < o.starts; s++) {
    const u = key.foldIn(s).uniforms(4);
    const start = names.map((n) => {
      if (n === 'mu') return o.core === 'weibull' ? Math.max(1e-3, lo + u[0] * span) : lo + u[0] * span;
      if (n === 'sigma') return Math.log((o.core === 'weibull' ? 1 + 4 * u[1] : span * (0.05 + 0.5 * u[1])));
      return logit((0.01 + 0.1 * u[n === 'gamma' ? 2 : 3]) / o.maxRate);
    });
    const r = nelderMead(objective, start);
    const polished = nelderMead(objective, r.x, 0.05);
    if (!best || polished.value < best.value) best = polished;
  }
  const params = toParams(best!.x);
  return { params, logLikelihood: -best!.value, freeParameters: names.length, standardErrors: standardErrors(o.core, params, names, data), options: o };
}

function standardErrors(core: Core, params: PsychometricParams, names: (keyof PsychometricParams)[], data: ChoiceCounts[]): FitResult['standardErrors'] {
  const nll = (v: number[]) => {
    const p = { ...params };
    names.forEach((n, i) => { p[n] = v[i]; });
    try { return -logLikelihood(core, p, data); } catch { return NaN; }
  };
  const x0 = names.map((n) => params[n]);
  const h = x0.map((v) => 1e-4 * Math.max(Math.abs(v), 1e-2));
  const k = names.length;
  const hess = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      const at = (di: number, dj: number) => { const v = x0.slice(); v[i] += di * h[i]; v[j] += dj * h[j]; return nll(v); };
      hess[i][j] = hess[j][i] = (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * h[i] * h[j]);
    }
  }
  const out: FitResult['standardErrors'] = {};
  try {
    const cov = inverseSpd(hess);
    names.forEach((n, i) => { out[n] = Math.sqrt(cov[i][i]); });
  } catch {
    names.forEach((n) => { out[n] = NaN; }); // a rate at its boundary (e.g. 0) leaves the information singular
  }
  return out;
}

/** Akaike and Bayesian information criteria of a fit to `trials` trials. */
export function informationCriteria(fit: { logLikelihood: number; freeParameters: number }, trials: number): { aic: number; bic: number } {
  return { aic: 2 * fit.freeParameters - 2 * fit.logLikelihood, bic: fit.freeParameters * Math.log(trials) - 2 * fit.logLikelihood };
}
