// Maximum-likelihood fits of the decision models to trial data, for model comparison by AIC, BIC
// and held-out likelihood. Which parameters are shared across conditions and which are fitted per
// condition is stated in the FitSpec; every parameter reaches its range by a transform, never by
// clamping.
import { ParameterError, checkInt } from '../core/errors';
import { Key } from '../core/random';
import { sigmoid } from '../core/special';
import { IDEAL_OBSERVER, Observer, checkObserver } from './causal-inference';
import { informationCriteria } from './fit';
import type { ChoiceCounts } from './functions';
import { Condition, DECISION_KINDS, DecisionModel, Noise, Trial, choiceProbability } from './models';
import { nelderMead } from './optimize';

/** What a fit frees: the model kind, its extra terms, the parameters fitted per condition, the observer. */
export interface FitSpec {
  kind: DecisionModel['kind'];
  /** Decision parameters fitted separately in every condition (e.g. ['pAttend']); the rest are shared. */
  perCondition?: string[];
  /** Extra terms: a side bias in value ('bias', exploration and Thompson) or unequal reward sensitivity ('sensitivity', exploration). */
  extras?: ('bias' | 'sensitivity')[];
  /** The observer whose beliefs the policy acts on (default: the ideal observer). */
  observer?: Observer;
  /** Upper limits (beta in (0, beta), sensory widths in (0, width)), for example the paper's 100 and 10. */
  bounds?: { beta?: number; width?: number };
  /** Number of optimisation starts drawn from the key. */
  starts?: number;
}

export interface ModelFit {
  /** The fitted model of the first condition (all conditions, when nothing is per condition). */
  model: DecisionModel;
  /** The fitted model of each condition, by name. */
  models: Record<string, DecisionModel>;
  noise: Noise;
  /** Every fitted parameter by name (per-condition ones as name@condition). */
  params: Record<string, number>;
  logLikelihood: number;
  freeParameters: number;
  aic: number;
  bic: number;
  spec: FitSpec;
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

/** The choice counts per stimulus of one condition's trials, for a psychometric fit. */
export function conditionCounts(trials: Trial[], condition: string): ChoiceCounts[] {
  const mine = trials.filter((t) => t.condition === condition);
  if (mine.length === 0) throw new ParameterError(`no trials of condition "${condition}"`, `use one of: ${[...new Set(trials.map((t) => t.condition))].join(', ')}`);
  const byStimulus = new Map<number, ChoiceCounts>();
  for (const t of mine) {
    const cell = byStimulus.get(t.stimulus) ?? { stimulus: t.stimulus, right: 0, total: 0 };
    cell.right += t.choice;
    cell.total += 1;
    byStimulus.set(t.stimulus, cell);
  }
  return [...byStimulus.values()].sort((a, b) => a.stimulus - b.stimulus);
}

/** A named parameter: how an unconstrained number maps into its range, and where starts are drawn. */
interface Parameter { name: string; value: (u: number) => number; start: (r: number) => number }

const logit = (p: number) => Math.log(p / (1 - p));

function decisionParameters(spec: FitSpec): Parameter[] {
  const beta = spec.bounds?.beta;
  const extras = spec.extras ?? [];
  const list: Parameter[] = [];
  switch (spec.kind) {
    case 'exploration':
      list.push(beta === undefined
        ? { name: 'beta', value: Math.exp, start: (r) => Math.log(1 + 9 * r) }
        : { name: 'beta', value: (u) => beta * sigmoid(u), start: (r) => logit((1 + 9 * r) / beta) });
      break;
    case 'thompson': list.push({ name: 'kappa', value: Math.exp, start: (r) => Math.log(0.2 + r) }); break;
    case 'inattention':
      list.push({ name: 'pAttend', value: sigmoid, start: (r) => 4 * r - 1 }, { name: 'pBias', value: sigmoid, start: (r) => 2 * r - 1 });
      break;
    case 'fixedError': list.push({ name: 'epsilon', value: sigmoid, start: (r) => 4 * r - 1 }); break;
    default: throw new ParameterError(`unknown decision model ${spec.kind}`, `use one of ${DECISION_KINDS.join(', ')}`);
  }
  for (const e of extras) {
    if (e === 'bias' && (spec.kind === 'exploration' || spec.kind === 'thompson')) list.push({ name: 'bias', value: (u) => u, start: (r) => 0.4 * r - 0.2 });
    else if (e === 'sensitivity' && spec.kind === 'exploration') list.push({ name: 'sensitivity', value: Math.tanh, start: (r) => Math.atanh(0.4 * r - 0.2) });
    else throw new ParameterError(`the ${spec.kind} model has no '${e}' term`, "use 'bias' with exploration or thompson, 'sensitivity' with exploration");
  }
  return list;
}

/** Fits a model (sensory noise and decision parameters) by maximum likelihood from keyed starts. */
export function fitDecisionModel(kind: DecisionModel['kind'] | FitSpec, trials: Trial[], conditions: Condition[], key: Key, starts = 6): ModelFit {
  const spec: FitSpec = typeof kind === 'string' ? { kind } : kind;
  const nStarts = spec.starts ?? starts;
  checkInt('starts', nStarts, 1);
  const observer = spec.observer ?? IDEAL_OBSERVER;
  checkObserver(observer);
  const cells = aggregateTrials(trials, conditions);
  const decision = decisionParameters(spec);
  for (const name of spec.perCondition ?? []) {
    if (!decision.some((p) => p.name === name)) throw new ParameterError(`'${name}' is not a parameter of the ${spec.kind} model`, `free one of ${decision.map((p) => p.name).join(', ')} per condition`);
  }
  const width = spec.bounds?.width;
  const noiseParameter = (name: string): Parameter => (width === undefined
    ? { name, value: Math.exp, start: (r) => Math.log(0.1 + r) }
    : { name, value: (u) => width * sigmoid(u), start: (r) => logit((0.1 + r) / width) });
  // the layout of the unconstrained vector: noise, shared decision parameters, then per-condition copies
  const perCondition = new Set(spec.perCondition ?? []);
  const layout: Parameter[] = [noiseParameter('auditory'), noiseParameter('visual')];
  for (const p of decision) {
    if (!perCondition.has(p.name)) layout.push(p);
    else for (const c of conditions) layout.push({ ...p, name: `${p.name}@${c.name}` });
  }
  const decode = (u: number[]) => {
    const params: Record<string, number> = {};
    layout.forEach((p, i) => { params[p.name] = p.value(u[i]); });
    const noise = { auditory: params.auditory, visual: params.visual };
    const models: Record<string, DecisionModel> = {};
    for (const c of conditions) {
      const own: Record<string, number> = {};
      for (const p of decision) own[p.name] = params[perCondition.has(p.name) ? `${p.name}@${c.name}` : p.name];
      models[c.name] = { kind: spec.kind, ...own } as DecisionModel;
    }
    return { params, noise, models };
  };
  const nll = (u: number[]) => {
    const { noise, models } = decode(u);
    if (!(noise.auditory > 0 && noise.visual > 0)) return Infinity;
    let ll = 0;
    for (const c of cells) {
      const p = Math.min(1 - 1e-12, Math.max(1e-12, choiceProbability(models[c.condition.name], noise, c.condition, c.stimulus, observer))); // log(0) guard for the optimiser only
      ll += c.right * Math.log(p) + (c.total - c.right) * Math.log(1 - p);
    }
    return Number.isFinite(ll) ? -ll : Infinity;
  };
  let best: { x: number[]; value: number } | null = null;
  for (let s = 0; s < nStarts; s++) {
    const r = key.foldIn(s).uniforms(layout.length);
    const start = layout.map((p, i) => p.start(r[i]));
    const found = nelderMead(nll, nelderMead(nll, start).x, 0.05);
    if (!best || found.value < best.value) best = found;
  }
  const { params, noise, models } = decode(best!.x);
  const logLikelihood = -best!.value;
  const freeParameters = layout.length;
  const ic = informationCriteria({ logLikelihood, freeParameters }, trials.length);
  return { model: models[conditions[0].name], models, noise, params, logLikelihood, freeParameters, ...ic, spec };
}

/** log P(choices | fitted model) of trials the fit did not see. */
export function heldOutLogLikelihood(fit: ModelFit, trials: Trial[], conditions: Condition[]): number {
  let ll = 0;
  for (const c of aggregateTrials(trials, conditions)) {
    const p = choiceProbability(fit.models[c.condition.name], fit.noise, c.condition, c.stimulus, fit.spec.observer ?? IDEAL_OBSERVER);
    if (c.right > 0) ll += c.right * Math.log(p);
    if (c.total > c.right) ll += (c.total - c.right) * Math.log(1 - p);
  }
  return ll;
}

/**
 * K-fold cross-validation over trials: the trials are shuffled by the key, each fold is held out
 * once, and the held-out log-likelihoods are summed (higher is better; no penalty is needed).
 */
export function crossValidate(spec: FitSpec, trials: Trial[], conditions: Condition[], key: Key, folds = 5): number {
  checkInt('folds', folds, 2);
  if (trials.length < folds) throw new ParameterError(`${trials.length} trials cannot fill ${folds} folds`, 'use fewer folds or more trials');
  const [kShuffle, kFit] = key.split(2);
  const order = kShuffle.uniforms(trials.length);
  const index = trials.map((_, i) => i).sort((a, b) => order[a] - order[b]);
  let total = 0;
  for (let f = 0; f < folds; f++) {
    const test = new Set(index.filter((_, j) => j % folds === f));
    const fit = fitDecisionModel(spec, trials.filter((_, i) => !test.has(i)), conditions, kFit.foldIn(f));
    total += heldOutLogLikelihood(fit, trials.filter((_, i) => test.has(i)), conditions);
  }
  return total;
}
