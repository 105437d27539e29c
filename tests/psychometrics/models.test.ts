import { describe, expect, it } from 'vitest';
import { Key } from '../../lib/core/random';
import {
  Condition, DecisionModel, aggregateTrials, choiceProbability, fitDecisionModel, formatTrialTable, impliedRates, parseTrialTable, simulateTrials,
} from '../../lib/psychometrics';

const neutral: Condition = { name: 'neutral', cues: 'neutral', rewardLeft: 1, rewardRight: 1 };
const matched: Condition = { name: 'matched', cues: 'matched', rewardLeft: 1, rewardRight: 1 };
const richRight: Condition = { name: 'right-rich', cues: 'neutral', rewardLeft: 1, rewardRight: 2 };
const conditions = [neutral, matched, richRight];
const noise = { auditory: 0.5, visual: 0.6 };
const models: DecisionModel[] = [
  { kind: 'exploration', beta: 3 },
  { kind: 'inattention', pAttend: 0.85, pBias: 0.4 },
  { kind: 'fixedError', epsilon: 0.2 },
];

describe('decision models', () => {
  it('the exploration model\'s lapse formulas match direct simulation at extreme stimuli', () => {
    const m: DecisionModel = { kind: 'exploration', beta: 2 };
    for (const c of [neutral, richRight]) {
      const trials = simulateTrials(Key.fromSeed(1), m, noise, [c], [-20, 20], 20000);
      const left = trials.filter((t) => t.stimulus < 0);
      const right = trials.filter((t) => t.stimulus > 0);
      const gamma = left.filter((t) => t.choice === 1).length / left.length;
      const lambda = right.filter((t) => t.choice === 0).length / right.length;
      const r = impliedRates(m, c);
      // 5 binomial standard errors
      expect(Math.abs(gamma - r.gamma)).toBeLessThan(5 * Math.sqrt(r.gamma * (1 - r.gamma) / 20000));
      expect(Math.abs(lambda - r.lambda)).toBeLessThan(5 * Math.sqrt(r.lambda * (1 - r.lambda) / 20000));
    }
    // raising the right reward lowers lapses on right trials only
    expect(impliedRates(m, richRight).lambda).toBeLessThan(impliedRates(m, neutral).lambda);
    expect(impliedRates(m, richRight).gamma).toBe(impliedRates(m, neutral).gamma);
  });

  it('choiceProbability agrees with trial-by-trial simulation for every model and condition', () => {
    const levels = [-1, -0.3, 0, 0.4, 1.2];
    for (const m of models) {
      const cells = aggregateTrials(simulateTrials(Key.fromSeed(2), m, noise, conditions, levels, 4000), conditions);
      for (const cell of cells) {
        const p = choiceProbability(m, noise, cell.condition, cell.stimulus);
        const se = Math.sqrt(Math.max(p * (1 - p), 1e-4) / cell.total);
        expect(Math.abs(cell.right / cell.total - p)).toBeLessThan(5 * se);
      }
    }
  });

  it('model comparison recovers the generating model (AIC and BIC), over two seeds', () => {
    const levels = [-1.5, -1, -0.5, -0.25, 0, 0.25, 0.5, 1, 1.5];
    for (const seed of [3, 4]) {
      for (const truth of models.slice(0, 2)) {
        const trials = simulateTrials(Key.fromSeed(seed), truth, noise, conditions, levels, 150);
        const fits = (['exploration', 'inattention'] as const).map((k) => fitDecisionModel(k, trials, conditions, Key.fromSeed(seed)));
        const best = fits[0].aic < fits[1].aic ? 'exploration' : 'inattention';
        expect(best).toBe(truth.kind);
        expect(fits[0].bic < fits[1].bic ? 'exploration' : 'inattention').toBe(truth.kind);
      }
    }
  });

  it('bad parameters get named errors', () => {
    expect(() => simulateTrials(Key.fromSeed(0), { kind: 'inattention', pAttend: 1.5, pBias: 0.5 }, noise, conditions, [0], 1)).toThrow(/pAttend = 1.5/);
    expect(() => simulateTrials(Key.fromSeed(0), { kind: 'exploration', beta: -1 }, noise, conditions, [0], 1)).toThrow(/beta = -1/);
    expect(() => choiceProbability(models[0], noise, { ...neutral, rewardRight: 0 }, 0)).toThrow(/positive reward sizes/);
  });
});

describe('trial tables', () => {
  const names = conditions.map((c) => c.name);
  it('round-trip through CSV', () => {
    const trials = simulateTrials(Key.fromSeed(5), models[0], noise, conditions, [-1, 1], 3);
    expect(parseTrialTable(formatTrialTable(trials), names)).toEqual(trials);
  });

  it('name the row and column of anything wrong', () => {
    const head = 'stimulus,condition,choice,rewardLeft,rewardRight\n';
    expect(() => parseTrialTable(head + '0.5,neutral,2,1,1\n', names)).toThrow(/row 2, column choice: "2" is not 0 \(Left\) or 1 \(Right\)/);
    expect(() => parseTrialTable(head + '0.5,neutral,1,1,1\n0.5,visual-only,1,1,1\n', names)).toThrow(/row 3, column condition: unknown condition "visual-only"/);
    expect(() => parseTrialTable(head + '0.5,neutral,1,-1,1\n', names)).toThrow(/row 2, column rewardLeft/);
    expect(() => parseTrialTable(head + 'abc,neutral,1,1,1\n', names)).toThrow(/row 2, column stimulus: "abc"/);
    expect(() => parseTrialTable('stimulus,choice\n1,1\n', names)).toThrow(/lacks the column\(s\) condition, rewardLeft, rewardRight/);
    expect(() => parseTrialTable(head + '1,neutral,1\n', names)).toThrow(/row 2 has 3 values/);
  });
});
