// A rat that learns: Thompson sampling whose value uncertainty shrinks with experience. In a session
// after n trials of a condition, the value draws have standard deviation
//   u(n) = kappa sc sqrt(1 + nHalf / n),
// the uncertainty of an experienced rat (kappa sc, as in models.ts) plus an excess that falls like a
// posterior variance, 1/n; nHalf is the experience at which the excess equals the floor. Lapses
// therefore fall from session to session, and a fit to all sessions recovers nHalf.
import { ParameterError, checkInt, checkNumber } from '../core/errors';
import { Key } from '../core/random';
import { informationCriteria } from './fit';
import { Condition, Noise, Trial, choiceProbability, decideTrial } from './models';
import { nelderMead } from './optimize';

export interface LearningRat {
  kappa: number;
  /** Trials of a condition after which the excess value uncertainty equals its floor. */
  halfExperience: number;
  noise: Noise;
}

/** A trial with the session it belongs to and the rat's experience of its condition before that session. */
export interface SessionTrial extends Trial {
  session: number;
  experience: number;
}

export function checkRat(rat: LearningRat): void {
  checkNumber('kappa', rat.kappa, (v) => v > 0, 'positive');
  checkNumber('halfExperience', rat.halfExperience, (v) => v >= 0, 'non-negative');
  checkNumber('noise.auditory', rat.noise.auditory, (v) => v > 0, 'positive');
  checkNumber('noise.visual', rat.noise.visual, (v) => v > 0, 'positive');
}

/** u(n) / u(infinity) = sqrt(1 + nHalf / n). */
export function uncertaintyScale(experience: number, halfExperience: number): number {
  checkNumber('experience', experience, (v) => v > 0, 'positive (count the pretraining trials)');
  return Math.sqrt(1 + halfExperience / experience);
}

/** P(Right | s) in a session after `experience` trials of the condition. */
export function learningChoiceProbability(rat: LearningRat, c: Condition, s: number, experience: number): number {
  return choiceProbability({ kind: 'thompson', kappa: rat.kappa * uncertaintyScale(experience, rat.halfExperience) }, rat.noise, c, s);
}

/**
 * `sessions` sessions, each with `trialsPerLevel` trials at every level of every condition; the rat
 * starts with `pretraining` trials of each condition behind it.
 */
export function simulateSessions(key: Key, rat: LearningRat, conditions: Condition[], levels: number[], trialsPerLevel: number, sessions: number, pretraining: number): SessionTrial[] {
  checkRat(rat);
  checkInt('sessions', sessions, 1);
  checkInt('trialsPerLevel', trialsPerLevel, 1);
  checkInt('pretraining', pretraining, 1);
  const perSession = trialsPerLevel * levels.length;
  const trials: SessionTrial[] = [];
  for (let k = 0; k < sessions; k++) {
    const experience = pretraining + k * perSession;
    const scale = uncertaintyScale(experience, rat.halfExperience);
    conditions.forEach((c, ci) => levels.forEach((s, li) => {
      const kk = key.foldIn(k).foldIn(ci).foldIn(li);
      const z = kk.normals(4 * trialsPerLevel);
      for (let t = 0; t < trialsPerLevel; t++) {
        const draws = { cueA: z[4 * t], cueV: z[4 * t + 1], u1: 0, u2: 0, valueR: z[4 * t + 2], valueL: z[4 * t + 3] };
        const choice = decideTrial({ kind: 'thompson', kappa: rat.kappa }, rat.noise, c, s, draws, undefined, scale);
        trials.push({ stimulus: s, condition: c.name, choice, rewardLeft: c.rewardLeft, rewardRight: c.rewardRight, session: k, experience });
      }
    }));
  }
  return trials;
}

export interface LearningFit {
  rat: LearningRat;
  logLikelihood: number;
  freeParameters: number;
  aic: number;
  bic: number;
}

/**
 * Fits kappa, nHalf and the sensory noise to trials from several sessions by maximum likelihood;
 * with `learning: false`, nHalf is held at 0 (a rat that does not learn).
 */
export function fitLearning(trials: SessionTrial[], conditions: Condition[], key: Key, options: { learning?: boolean; starts?: number } = {}): LearningFit {
  const learning = options.learning ?? true;
  const starts = options.starts ?? 4;
  checkInt('starts', starts, 1);
  const byName = new Map(conditions.map((c) => [c.name, c]));
  const cells = new Map<string, { c: Condition; s: number; n: number; right: number; total: number }>();
  trials.forEach((t, i) => {
    const c = byName.get(t.condition);
    if (!c) throw new ParameterError(`trial ${i} has unknown condition "${t.condition}"`, `use one of: ${conditions.map((x) => x.name).join(', ')}`);
    const id = `${t.condition}|${t.stimulus}|${t.experience}`;
    const cell = cells.get(id) ?? { c, s: t.stimulus, n: t.experience, right: 0, total: 0 };
    cell.right += t.choice;
    cell.total += 1;
    cells.set(id, cell);
  });
  const decode = (u: number[]): LearningRat => ({
    noise: { auditory: Math.exp(u[0]), visual: Math.exp(u[1]) }, kappa: Math.exp(u[2]), halfExperience: learning ? Math.exp(u[3]) : 0,
  });
  const nll = (u: number[]) => {
    const rat = decode(u);
    let ll = 0;
    for (const cell of cells.values()) {
      const p = Math.min(1 - 1e-12, Math.max(1e-12, learningChoiceProbability(rat, cell.c, cell.s, cell.n))); // log(0) guard for the optimiser only
      ll += cell.right * Math.log(p) + (cell.total - cell.right) * Math.log(1 - p);
    }
    return Number.isFinite(ll) ? -ll : Infinity;
  };
  const meanExperience = trials.reduce((a, t) => a + t.experience, 0) / trials.length;
  let best: { x: number[]; value: number } | null = null;
  for (let s = 0; s < starts; s++) {
    const r = key.foldIn(s).uniforms(4);
    const start = [Math.log(0.1 + r[0]), Math.log(0.1 + r[1]), Math.log(0.2 + r[2]), Math.log(meanExperience * (0.1 + 2 * r[3]))].slice(0, learning ? 4 : 3);
    const found = nelderMead(nll, nelderMead(nll, start).x, 0.05);
    if (!best || found.value < best.value) best = found;
  }
  const logLikelihood = -best!.value;
  const freeParameters = learning ? 4 : 3;
  return { rat: decode(best!.x), logLikelihood, freeParameters, ...informationCriteria({ logLikelihood, freeParameters }, trials.length) };
}
