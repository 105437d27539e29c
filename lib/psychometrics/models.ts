// Generative models of a two-alternative task (after Pisupati et al., eLife 2021). An observer sees
// noisy cues of a signed stimulus s (Right is correct when s > 0): an auditory cue N(s, sa^2) and,
// on matched multisensory trials, also a visual cue N(s, sv^2). Combining them optimally gives an
// estimate x ~ N(s, sc^2) with 1/sc^2 = sum of the cues' precisions, and with a flat prior the
// belief P(s > 0 | x) = Phi(x / sc). The action values are Q_R = r_R P and Q_L = r_L (1 - P).
//   exploration:  P(R | x) = 1 / (1 + exp(-beta (Q_R - Q_L)))            (softmax)
//   inattention:  with p_attend choose the larger Q, else Right with probability p_bias
//   fixed error:  with 1 - epsilon choose the larger Q, else either side with probability 1/2
import { ParameterError, checkNumber } from '../core/errors';
import { Key } from '../core/random';
import { normalCdf, normalQuantile } from '../core/special';
import { gaussHermite } from '../linalg/quadrature';

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
  | { kind: 'exploration'; beta: number }
  | { kind: 'inattention'; pAttend: number; pBias: number }
  | { kind: 'fixedError'; epsilon: number };

export function checkModel(m: DecisionModel, noise: Noise): void {
  checkNumber('noise.auditory', noise.auditory, (v) => v > 0, 'positive');
  checkNumber('noise.visual', noise.visual, (v) => v > 0, 'positive');
  if (m.kind === 'exploration') checkNumber('beta', m.beta, (v) => v > 0, 'positive');
  else if (m.kind === 'inattention') {
    checkNumber('pAttend', m.pAttend, (v) => v >= 0 && v <= 1, 'in [0, 1]');
    checkNumber('pBias', m.pBias, (v) => v >= 0 && v <= 1, 'in [0, 1]');
  } else if (m.kind === 'fixedError') checkNumber('epsilon', m.epsilon, (v) => v >= 0 && v <= 1, 'in [0, 1]');
  else throw new ParameterError(`unknown decision model ${(m as { kind: string }).kind}`, 'use exploration, inattention or fixedError');
}

/** The standard deviation of the combined estimate in a condition. */
export function combinedNoise(noise: Noise, c: Condition): number {
  return c.cues === 'matched' ? 1 / Math.sqrt(noise.auditory ** -2 + noise.visual ** -2) : noise.auditory;
}

const QUADRATURE = gaussHermite(40);

/** P(Right | s) in condition c, integrating the sensory noise exactly (deterministic policies) or by quadrature. */
export function choiceProbability(m: DecisionModel, noise: Noise, c: Condition, s: number): number {
  if (!(c.rewardLeft > 0 && c.rewardRight > 0)) throw new ParameterError(`condition ${c.name} has rewards ${c.rewardLeft}, ${c.rewardRight}`, 'use positive reward sizes');
  const sc = combinedNoise(noise, c);
  // choose Right when r_R P > r_L (1 - P), i.e. x > sc * PhiInv(r_L / (r_L + r_R))
  const pGreedyRight = () => normalCdf((s - sc * normalQuantile(c.rewardLeft / (c.rewardLeft + c.rewardRight))) / sc);
  switch (m.kind) {
    case 'exploration': {
      let p = 0;
      for (let i = 0; i < QUADRATURE.nodes.length; i++) {
        const x = s + sc * QUADRATURE.nodes[i];
        const belief = normalCdf(x / sc);
        p += QUADRATURE.weights[i] / (1 + Math.exp(-m.beta * (c.rewardRight * belief - c.rewardLeft * (1 - belief))));
      }
      return p;
    }
    case 'inattention': return m.pAttend * pGreedyRight() + (1 - m.pAttend) * m.pBias;
    case 'fixedError': return (1 - m.epsilon) * pGreedyRight() + m.epsilon / 2;
  }
}

/** The guess and lapse rates a model implies in a condition (its asymptotes for |s| -> infinity). */
export function impliedRates(m: DecisionModel, c: Condition): { gamma: number; lambda: number } {
  switch (m.kind) {
    case 'exploration': return { gamma: 1 / (1 + Math.exp(m.beta * c.rewardLeft)), lambda: 1 / (1 + Math.exp(m.beta * c.rewardRight)) };
    case 'inattention': return { gamma: m.pBias * (1 - m.pAttend), lambda: (1 - m.pBias) * (1 - m.pAttend) };
    case 'fixedError': return { gamma: m.epsilon / 2, lambda: m.epsilon / 2 };
  }
}

export interface Trial {
  stimulus: number;
  condition: string;
  /** 1 = Right, 0 = Left. */
  choice: 0 | 1;
  rewardLeft: number;
  rewardRight: number;
}

/**
 * Simulates trials trial by trial: the cues are drawn, the belief and values computed, and the
 * policy sampled, so the simulation checks choiceProbability independently.
 */
export function simulateTrials(key: Key, m: DecisionModel, noise: Noise, conditions: Condition[], levels: number[], trialsPerLevel: number): Trial[] {
  checkModel(m, noise);
  const trials: Trial[] = [];
  conditions.forEach((c, ci) => levels.forEach((s, li) => {
    const z = key.foldIn(ci).foldIn(li).normals(2 * trialsPerLevel);
    const u = key.foldIn(ci).foldIn(li).foldIn(1).uniforms(2 * trialsPerLevel);
    for (let t = 0; t < trialsPerLevel; t++) {
      const xa = s + noise.auditory * z[2 * t];
      const xv = s + noise.visual * z[2 * t + 1];
      const x = c.cues === 'matched' ? (xa / noise.auditory ** 2 + xv / noise.visual ** 2) / (noise.auditory ** -2 + noise.visual ** -2) : xa;
      const belief = normalCdf(x / combinedNoise(noise, c));
      const qR = c.rewardRight * belief;
      const qL = c.rewardLeft * (1 - belief);
      let right: boolean;
      if (m.kind === 'exploration') right = u[2 * t] < 1 / (1 + Math.exp(-m.beta * (qR - qL)));
      else if (m.kind === 'inattention') right = u[2 * t] < m.pAttend ? qR > qL : u[2 * t + 1] < m.pBias;
      else right = u[2 * t] < 1 - m.epsilon ? qR > qL : u[2 * t + 1] < 0.5;
      trials.push({ stimulus: s, condition: c.name, choice: right ? 1 : 0, rewardLeft: c.rewardLeft, rewardRight: c.rewardRight });
    }
  }));
  return trials;
}
