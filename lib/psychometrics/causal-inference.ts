// A causal-inference observer for two cues (after Körding et al., PLoS ONE 2007). The rat does not
// know whether the auditory and visual cues come from one rate (C = 1, probability pCommon) or from
// two independent rates (C = 2), each drawn from a prior N(0, priorWidth^2). Its belief that Right
// is rewarded averages the two hypotheses by their posterior probabilities:
//   C = 1: P(s > 0 | xa, xv), from the fused estimate;
//   C = 2: P(sa + sv > 0 | xa, xv), the side of the stronger evidence (one rate sits at the boundary).
// pCommon = 1 is forced fusion; pCommon = 0 keeps the cues apart.
import { checkNumber } from '../core/errors';
import { normalCdf } from '../core/special';

export interface CausalObserver {
  kind: 'causal';
  /** Prior probability that the two cues share one cause, in [0, 1]. */
  pCommon: number;
  /** Standard deviation of the rat's prior over rates (the spread of the stimuli it was trained on). */
  priorWidth: number;
}

/** 'ideal' knows which cue is informative and fuses only matched cues (the observer of lecture 16). */
export type Observer = { kind: 'ideal' } | CausalObserver;

export const IDEAL_OBSERVER: Observer = { kind: 'ideal' };

export function checkObserver(o: Observer): void {
  if (o.kind === 'ideal') return;
  checkNumber('pCommon', o.pCommon, (v) => v >= 0 && v <= 1, 'in [0, 1]');
  checkNumber('priorWidth', o.priorWidth, (v) => v > 0, 'positive');
}

/** log N(x; 0, v) without the 2 pi term (it cancels between the hypotheses) */
const logGauss = (x: number, v: number) => -0.5 * (Math.log(v) + (x * x) / v);

/** P(C = 1 | xa, xv). */
export function posteriorCommon(o: CausalObserver, xa: number, xv: number, sa: number, sv: number): number {
  const va = sa * sa;
  const vv = sv * sv;
  const vp = o.priorWidth ** 2;
  // C = 1: (xa, xv) is bivariate normal with covariance [[va + vp, vp], [vp, vv + vp]]
  const det = (va + vp) * (vv + vp) - vp * vp;
  const quad = ((vv + vp) * xa * xa - 2 * vp * xa * xv + (va + vp) * xv * xv) / det;
  const logOne = -0.5 * (Math.log(det) + quad);
  const logTwo = logGauss(xa, va + vp) + logGauss(xv, vv + vp);
  if (o.pCommon === 0) return 0;
  if (o.pCommon === 1) return 1;
  const a = Math.log(o.pCommon) + logOne;
  const b = Math.log(1 - o.pCommon) + logTwo;
  return 1 / (1 + Math.exp(b - a));
}

/** The causal-inference belief P(Right is rewarded | xa, xv). */
export function causalBelief(o: CausalObserver, xa: number, xv: number, sa: number, sv: number): number {
  const pa = 1 / (sa * sa);
  const pv = 1 / (sv * sv);
  const pp = 1 / o.priorWidth ** 2;
  const fusedVar = 1 / (pa + pv + pp);
  const one = normalCdf(((xa * pa + xv * pv) * fusedVar) / Math.sqrt(fusedVar));
  const varA = 1 / (pa + pp);
  const varV = 1 / (pv + pp);
  const two = normalCdf((xa * pa * varA + xv * pv * varV) / Math.sqrt(varA + varV));
  const w = posteriorCommon(o, xa, xv, sa, sv);
  return w * one + (1 - w) * two;
}
