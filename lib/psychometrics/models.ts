// Generative models of a two-alternative task (after Pisupati et al., eLife 2021). An observer sees
// noisy cues of a signed stimulus s (Right is correct when s > 0): an auditory cue N(s, sa^2) and a
// visual cue, N(s, sv^2) on matched multisensory trials and N(0, sv^2) (at the category boundary) on
// neutral ones. The ideal observer fuses matched cues into an estimate x ~ N(s, sc^2), with 1/sc^2
// the sum of the cues' precisions, uses the auditory cue alone on neutral trials, and with a flat
// prior believes P(s > 0 | x) = Phi(x / sc); a causal-inference observer (causal-inference.ts)
// uses both cues on every trial. The action values are Q_R = r_R P and Q_L = r_L (1 - P).
//   exploration:  P(R | x) = 1 / (1 + exp(-beta (Q_R - Q_L)))              (softmax)
//   thompson:     P(R | x) = Phi((Q_R - Q_L) / (sqrt(2) kappa sc))          (Thompson sampling)
//   inattention:  with p_attend choose the larger Q, else Right with probability p_bias
//   fixed error:  with 1 - epsilon choose the larger Q, else either side with probability 1/2
// Thompson sampling draws each action's value from the rat's belief, N(Q_a, u^2), and takes the
// larger draw (Gershman, Cognition 2018); here the value uncertainty u = kappa sc follows the
// perceptual uncertainty of the trial's condition, so exploration is guided by uncertainty.
// Two optional terms make the asymptotes unequal under equal rewards: a side bias b added to
// Q_R - Q_L, and unequal reward sensitivity d (subjective rewards (1 + d) r_R and (1 - d) r_L).
import { ParameterError, checkNumber } from '../core/errors';
import { Key } from '../core/random';
import { normalCdf, normalQuantile } from '../core/special';
import { gaussHermite } from '../linalg/quadrature';
import { IDEAL_OBSERVER, Observer, causalBelief, checkObserver } from './causal-inference';

export interface Condition {
  name: string;
  /** 'neutral': only the auditory cue is informative; 'matched': auditory and visual agree. */
  cues: 'neutral' | 'matched';
  rewardLeft: number;
  rewardRight: number;
}

export interface Noise {
  auditory: number;
  visual: number;
}

export type DecisionModel =
  | { kind: 'exploration'; beta: number; bias?: number; sensitivity?: number }
  | { kind: 'thompson'; kappa: number; bias?: number }
  | { kind: 'inattention'; pAttend: number; pBias: number }
  | { kind: 'fixedError'; epsilon: number };

export const DECISION_KINDS = ['exploration', 'thompson', 'inattention', 'fixedError'] as const;

export function checkModel(m: DecisionModel, noise: Noise): void {
  checkNumber('noise.auditory', noise.auditory, (v) => v > 0, 'positive');
  checkNumber('noise.visual', noise.visual, (v) => v > 0, 'positive');
  if (m.kind === 'exploration') {
    checkNumber('beta', m.beta, (v) => v > 0, 'positive');
    if (m.sensitivity !== undefined) checkNumber('sensitivity', m.sensitivity, (v) => v > -1 && v < 1, 'in (-1, 1)');
  } else if (m.kind === 'thompson') checkNumber('kappa', m.kappa, (v) => v > 0, 'positive');
  else if (m.kind === 'inattention') {
    checkNumber('pAttend', m.pAttend, (v) => v >= 0 && v <= 1, 'in [0, 1]');
    checkNumber('pBias', m.pBias, (v) => v >= 0 && v <= 1, 'in [0, 1]');
  } else if (m.kind === 'fixedError') checkNumber('epsilon', m.epsilon, (v) => v >= 0 && v <= 1, 'in [0, 1]');
  else throw new ParameterError(`unknown decision model ${(m as { kind: string }).kind}`, `use one of ${DECISION_KINDS.join(', ')}`);
  if ('bias' in m && m.bias !== undefined) checkNumber('bias', m.bias, () => true, 'finite');
}

/** The standard deviation of the combined estimate in a condition. */
export function combinedNoise(noise: Noise, c: Condition): number {
  return c.cues === 'matched' ? 1 / Math.sqrt(noise.auditory ** -2 + noise.visual ** -2) : noise.auditory;
}

function checkRewards(c: Condition): void {
  if (!(c.rewardLeft > 0 && c.rewardRight > 0)) throw new ParameterError(`condition ${c.name} has rewards ${c.rewardLeft}, ${c.rewardRight}`, 'use positive reward sizes');
}

/** Q_R - Q_L (+ side bias) at belief P, with the subjective rewards. */
function valueDifference(m: DecisionModel, c: Condition, belief: number): number {
  const d = m.kind === 'exploration' ? m.sensitivity ?? 0 : 0;
  const b = m.kind === 'exploration' || m.kind === 'thompson' ? m.bias ?? 0 : 0;
  return c.rewardRight * (1 + d) * belief - c.rewardLeft * (1 - d) * (1 - belief) + b;
}

/** P(Right | belief) for a policy; sc is the condition's perceptual uncertainty (Thompson's scale). */
function policyRight(m: DecisionModel, c: Condition, belief: number, sc: number): number {
  const dq = valueDifference(m, c, belief);
  switch (m.kind) {
    case 'exploration': return 1 / (1 + Math.exp(-m.beta * dq));
    case 'thompson': return normalCdf(dq / (Math.SQRT2 * m.kappa * sc));
    case 'inattention': return m.pAttend * (dq > 0 ? 1 : 0) + (1 - m.pAttend) * m.pBias;
    case 'fixedError': return (1 - m.epsilon) * (dq > 0 ? 1 : 0) + m.epsilon / 2;
  }
}

const QUADRATURE = gaussHermite(40);
const QUADRATURE_2D = gaussHermite(24);

/** The attended (greedy) decision's probability of Right, and the weight the policy gives it. */
function greedyShare(m: DecisionModel): { attend: number; otherwise: number } | null {
  if (m.kind === 'inattention') return { attend: m.pAttend, otherwise: m.pBias };
  if (m.kind === 'fixedError') return { attend: 1 - m.epsilon, otherwise: 0.5 };
  return null;
}

/** P(greedy chooses Right | s) for the causal observer: per visual node, bisect for the auditory threshold. */
function causalGreedyRight(m: DecisionModel, o: Observer & { kind: 'causal' }, noise: Noise, c: Condition, s: number): number {
  const mv = c.cues === 'matched' ? s : 0;
  let p = 0;
  for (let j = 0; j < QUADRATURE_2D.nodes.length; j++) {
    const xv = mv + noise.visual * QUADRATURE_2D.nodes[j];
    const g = (xa: number) => valueDifference(m, c, causalBelief(o, xa, xv, noise.auditory, noise.visual));
    // beyond 8 standard deviations of the auditory cue the probability is below 1e-15
    const lo = s - 8 * noise.auditory;
    const hi = s + 8 * noise.auditory;
    const gLo = g(lo);
    const gHi = g(hi);
    if (gLo > 0) { p += QUADRATURE_2D.weights[j]; continue; }
    if (gHi <= 0) continue;
    p += QUADRATURE_2D.weights[j] * normalCdf((s - findRoot(g, lo, hi, gLo, gHi)) / noise.auditory);
  }
  return p;
}

/**
 * P(Right | s) in condition c, integrating the sensory noise exactly (greedy policies of the ideal
 * observer), by a threshold per visual node (greedy policies of the causal observer) or by
 * Gauss-Hermite quadrature (softmax and Thompson policies).
 */
export function choiceProbability(m: DecisionModel, noise: Noise, c: Condition, s: number, observer: Observer = IDEAL_OBSERVER): number {
  checkRewards(c);
  const sc = combinedNoise(noise, c);
  const greedy = greedyShare(m);
  if (observer.kind === 'ideal') {
    if (greedy) {
      // the value difference is increasing in the belief: choose Right when x > sc PhiInv(r_L' / (r_L' + r_R'))
      const zeroAt = bisectBelief((b) => valueDifference(m, c, b));
      const pRight = zeroAt <= 0 ? 1 : zeroAt >= 1 ? 0 : normalCdf((s - sc * normalQuantile(zeroAt)) / sc);
      return greedy.attend * pRight + (1 - greedy.attend) * greedy.otherwise;
    }
    let p = 0;
    for (let i = 0; i < QUADRATURE.nodes.length; i++) {
      const x = s + sc * QUADRATURE.nodes[i];
      p += QUADRATURE.weights[i] * policyRight(m, c, normalCdf(x / sc), sc);
    }
    return p;
  }
  if (greedy) return greedy.attend * causalGreedyRight(m, observer, noise, c, s) + (1 - greedy.attend) * greedy.otherwise;
  const mv = c.cues === 'matched' ? s : 0;
  let p = 0;
  for (let j = 0; j < QUADRATURE_2D.nodes.length; j++) {
    const xv = mv + noise.visual * QUADRATURE_2D.nodes[j];
    for (let i = 0; i < QUADRATURE_2D.nodes.length; i++) {
      const xa = s + noise.auditory * QUADRATURE_2D.nodes[i];
      const belief = causalBelief(observer, xa, xv, noise.auditory, noise.visual);
      p += QUADRATURE_2D.weights[i] * QUADRATURE_2D.weights[j] * policyRight(m, c, belief, sc);
    }
  }
  return p;
}

/** The root of g in [a, b] (g(a) <= 0 < g(b)) by regula falsi with the Illinois step, to 1e-10 in x. */
function findRoot(g: (x: number) => number, a: number, b: number, ga: number, gb: number): number {
  let side = 0;
  for (let k = 0; k < 100 && b - a > 1e-10; k++) {
    const x = (a * gb - b * ga) / (gb - ga);
    const gx = g(x);
    if (gx > 0) {
      b = x; gb = gx;
      if (side === 1) ga /= 2; // the Illinois step: halve the stale end so the bracket shrinks from both sides
      side = 1;
    } else {
      a = x; ga = gx;
      if (side === -1) gb /= 2;
      side = -1;
    }
    if (gx === 0) return x;
  }
  return (a + b) / 2;
}

/** The belief in [0, 1] where an increasing function of it crosses zero (0 or 1 when it does not). */
function bisectBelief(f: (b: number) => number): number {
  if (f(0) > 0) return 0;
  if (f(1) <= 0) return 1;
  let lo = 0;
  let hi = 1;
  for (let k = 0; k < 80; k++) { const mid = (lo + hi) / 2; if (f(mid) > 0) hi = mid; else lo = mid; }
  return (lo + hi) / 2;
}

/**
 * The guess and lapse rates a model implies in a condition (its asymptotes for |s| -> infinity,
 * where the belief reaches 0 or 1). Thompson sampling's depend on the sensory noise too.
 */
export function impliedRates(m: DecisionModel, c: Condition, noise?: Noise): { gamma: number; lambda: number } {
  checkRewards(c);
  if (m.kind === 'thompson' && !noise) throw new ParameterError('Thompson sampling\'s lapse rates depend on the sensory noise', 'pass the noise as the third argument');
  const sc = noise ? combinedNoise(noise, c) : 1;
  return { gamma: policyRight(m, c, 0, sc), lambda: 1 - policyRight(m, c, 1, sc) };
}

export interface Trial {
  stimulus: number;
  condition: string;
  /** 1 = Right, 0 = Left. */
  choice: 0 | 1;
  rewardLeft: number;
  rewardRight: number;
}

/** The random numbers one simulated trial uses: two cue noises, two uniforms, two value draws. */
export interface TrialDraws { cueA: number; cueV: number; u1: number; u2: number; valueR: number; valueL: number }

/**
 * One trial, decided as the rat would: the cues are drawn, the belief and values computed, and the
 * policy sampled, so that simulations check choiceProbability independently. `uncertaintyScale`
 * multiplies Thompson sampling's value uncertainty (the learning rat's extra uncertainty).
 */
export function decideTrial(m: DecisionModel, noise: Noise, c: Condition, s: number, d: TrialDraws, observer: Observer = IDEAL_OBSERVER, uncertaintyScale = 1): 0 | 1 {
  const xa = s + noise.auditory * d.cueA;
  const xv = (c.cues === 'matched' ? s : 0) + noise.visual * d.cueV; // at the boundary on neutral trials
  const sc = combinedNoise(noise, c);
  let belief: number;
  if (observer.kind === 'causal') belief = causalBelief(observer, xa, xv, noise.auditory, noise.visual);
  else {
    const x = c.cues === 'matched' ? (xa / noise.auditory ** 2 + xv / noise.visual ** 2) / (noise.auditory ** -2 + noise.visual ** -2) : xa;
    belief = normalCdf(x / sc);
  }
  const dq = valueDifference(m, c, belief);
  let right: boolean;
  if (m.kind === 'exploration') right = d.u1 < 1 / (1 + Math.exp(-m.beta * dq));
  else if (m.kind === 'thompson') right = dq + m.kappa * uncertaintyScale * sc * (d.valueR - d.valueL) > 0;
  else if (m.kind === 'inattention') right = d.u1 < m.pAttend ? dq > 0 : d.u2 < m.pBias;
  else right = d.u1 < 1 - m.epsilon ? dq > 0 : d.u2 < 0.5;
  return right ? 1 : 0;
}

/** Simulates `trialsPerLevel` trials at every level of every condition, each decided by decideTrial. */
export function simulateTrials(key: Key, m: DecisionModel, noise: Noise, conditions: Condition[], levels: number[], trialsPerLevel: number, observer: Observer = IDEAL_OBSERVER): Trial[] {
  checkModel(m, noise);
  checkObserver(observer);
  conditions.forEach(checkRewards);
  const trials: Trial[] = [];
  conditions.forEach((c, ci) => levels.forEach((s, li) => {
    const k = key.foldIn(ci).foldIn(li);
    const z = k.normals(2 * trialsPerLevel);
    const u = k.foldIn(1).uniforms(2 * trialsPerLevel);
    const v = m.kind === 'thompson' ? k.foldIn(2).normals(2 * trialsPerLevel) : null;
    for (let t = 0; t < trialsPerLevel; t++) {
      const draws = { cueA: z[2 * t], cueV: z[2 * t + 1], u1: u[2 * t], u2: u[2 * t + 1], valueR: v ? v[2 * t] : 0, valueL: v ? v[2 * t + 1] : 0 };
      const choice = decideTrial(m, noise, c, s, draws, observer);
      trials.push({ stimulus: s, condition: c.name, choice, rewardLeft: c.rewardLeft, rewardRight: c.rewardRight });
    }
  }));
  return trials;
}
