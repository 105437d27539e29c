// Maximum-likelihood fits of the decision models to trial data, for model comparison by AIC/BIC.
import { ParameterError, checkInt } from '../core/errors';
import { Key } from '../core/random';
import { sigmoid } from '../core/special';
import { informationCriteria } from './fit';
import { Condition, DecisionModel, Noise, Trial, choiceProbability } from './models';
import { nelderMead } from './optimize';

export interface ModelFit {
  model: DecisionModel;
  noise: Noise;
  logLikelihood: number;
  freeParameters: number;
  aic: number;
  bic: number;
}

/** Right choices out of all trials at one stimulus in one condition. */
export interface TrialCell { condition: Condition; stimulus: number; right: number; total: number }

/** Counts of Right choices per condition and stimulus. */
export function aggregateTrials(trials: Trial[], conditions: Condition[]): TrialCell[] {
  const byName = new Map(conditions.map((c) => [c.name, c]));
  const cells = new Map<string, TrialCell>();
  trials.forEach((t, i) => {
    const c = byName.get(t.condition);
    if (!c) throw new ParameterError(`trial ${i} has unknown condition "${t.condition}"`, `use one of: ${conditions.map((x) => x.name).join(', ')}`);
    const id = `${t.condition}|${t.stimulus}`;
    const cell: TrialCell = cells.get(id) ?? { condition: c, stimulus: t.stimulus, right: 0, total: 0 };
    cell.right += t.choice;
    cell.total += 1;
    cells.set(id, cell);
  });
  return [...cells.values()];
}


/** Fits a model kind (sensory noise and the decision parameters) by maximum likelihood from keyed starts. */
export function fitDecisionModel(kind: DecisionModel['kind'], trials: Trial[], conditions: Condition[], key: Key, starts = 6): ModelFit {
  checkInt('starts', starts, 1);
  const cells = aggregateTrials(trials, conditions);
  const decode = (u: number[]): { model: DecisionModel; noise: Noise } => {
    const noise = { auditory: Math.exp(u[0]), visual: Math.exp(u[1]) };
    if (kind === 'exploration') return { noise, model: { kind, beta: Math.exp(u[2]) } };
    if (kind === 'inattention') return { noise, model: { kind, pAttend: sigmoid(u[2]), pBias: sigmoid(u[3]) } };
    return { noise, model: { kind, epsilon: sigmoid(u[2]) } };
  };
  const dims = kind === 'inattention' ? 4 : 3;
  const nll = (u: number[]) => {
    const { model, noise } = decode(u);
    let ll = 0;
    for (const c of cells) {
      const p = Math.min(1 - 1e-12, Math.max(1e-12, choiceProbability(model, noise, c.condition, c.stimulus))); // log(0) guard for the optimiser only
      ll += c.right * Math.log(p) + (c.total - c.right) * Math.log(1 - p);
    }
    return Number.isFinite(ll) ? -ll : Infinity;
  };
  let best: { x: number[]; value: number } | null = null;
  for (let s = 0; s < starts; s++) {
    const u = key.foldIn(s).uniforms(dims);
    const start = [Math.log(0.1 + u[0]), Math.log(0.1 + u[1]), kind === 'exploration' ? Math.log(1 + 9 * u[2]) : 4 * u[2] - 1, ...(dims === 4 ? [2 * u[3] - 1] : [])];
    const r = nelderMead(nll, nelderMead(nll, start).x, 0.05);
    if (!best || r.value < best.value) best = r;
  }
  const { model, noise } = decode(best!.x);
  const logLikelihood = -best!.value;
  const ic = informationCriteria({ logLikelihood, freeParameters: dims }, trials.length);
  return { model, noise, logLikelihood, freeParameters: dims, ...ic };
}
