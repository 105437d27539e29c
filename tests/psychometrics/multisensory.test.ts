import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { Key } from '../../lib/core/random';
import { normalCdf } from '../../lib/core/special';
import {
  CausalObserver, Condition, DecisionModel, aggregateTrials, conditionCounts, easyErrorRate, causalBelief, choiceProbability, combinedNoise, crossValidate, fitDecisionModel,
  fitLearning, impliedRates, loadRecoveryRecord, recoveryCounts, runRecoveryStudy, learningChoiceProbability, posteriorCommon, simulateSessions, simulateTrials, uncertaintyScale,
} from '../../lib/psychometrics';

const neutral: Condition = { name: 'neutral', cues: 'neutral', rewardLeft: 1, rewardRight: 1 };
const matched: Condition = { name: 'matched', cues: 'matched', rewardLeft: 1, rewardRight: 1 };
const lowRight: Condition = { name: 'right-lowered', cues: 'matched', rewardLeft: 1, rewardRight: 0.5 };
const noise = { auditory: 0.6, visual: 0.7 };
const levels = [-2, -1, -0.6, -0.3, 0, 0.3, 0.6, 1, 2];
const causal: CausalObserver = { kind: 'causal', pCommon: 0.5, priorWidth: 1 };
const within = (observed: number, p: number, n: number, sigmas = 5) =>
  expect(Math.abs(observed - p)).toBeLessThan(sigmas * Math.sqrt(Math.max(p * (1 - p), 1e-4) / n));

describe('uncertainty-guided exploration (Thompson sampling)', () => {
  const m: DecisionModel = { kind: 'thompson', kappa: 1 };
  it('has the closed-form asymptotes Phi(-r / (sqrt 2 kappa sc)), lower on matched trials', () => {
    for (const c of [neutral, matched, lowRight]) {
      const r = impliedRates(m, c, noise);
      const sc = combinedNoise(noise, c);
      expect(r.lambda).toBeCloseTo(normalCdf(-c.rewardRight / (Math.SQRT2 * sc)), 12);
      expect(r.gamma).toBeCloseTo(normalCdf(-c.rewardLeft / (Math.SQRT2 * sc)), 12);
      const trials = simulateTrials(Key.fromSeed(1), m, noise, [c], [-30, 30], 20000);
      within(trials.filter((t) => t.stimulus > 0 && t.choice === 0).length / 20000, r.lambda, 20000);
      within(trials.filter((t) => t.stimulus < 0 && t.choice === 1).length / 20000, r.gamma, 20000);
    }
    expect(impliedRates(m, matched, noise).lambda).toBeLessThan(impliedRates(m, neutral, noise).lambda - 0.04);
    expect(() => impliedRates(m, matched)).toThrow(/depend on the sensory noise/);
  });

  it('side bias and reward sensitivity give unequal asymptotes, and are one model under equal rewards', () => {
    const biased: DecisionModel = { kind: 'exploration', beta: 3, bias: 0.2 };
    const sensitive: DecisionModel = { kind: 'exploration', beta: 3, sensitivity: 0.2 };
    const r = impliedRates(biased, neutral);
    expect(r.gamma).toBeCloseTo(1 / (1 + Math.exp(3 * (1 - 0.2))), 12);
    expect(r.lambda).toBeCloseTo(1 / (1 + Math.exp(3 * (1 + 0.2))), 12);
    for (const s of levels) expect(choiceProbability(biased, noise, neutral, s)).toBeCloseTo(choiceProbability(sensitive, noise, neutral, s), 12);
    expect(Math.abs(choiceProbability(biased, noise, lowRight, 1) - choiceProbability(sensitive, noise, lowRight, 1))).toBeGreaterThan(0.01);
    const trials = simulateTrials(Key.fromSeed(2), sensitive, noise, [lowRight], [-30, 30], 20000);
    within(trials.filter((t) => t.stimulus > 0 && t.choice === 0).length / 20000, impliedRates(sensitive, lowRight).lambda, 20000);
  });
});

describe('the causal-inference observer', () => {
  it('weighs one cause against two sensibly', () => {
    expect(posteriorCommon(causal, 1, 1, 0.6, 0.7)).toBeGreaterThan(posteriorCommon(causal, 1.5, -1.5, 0.6, 0.7));
    expect(posteriorCommon({ ...causal, pCommon: 1 }, 2, -2, 0.6, 0.7)).toBe(1);
    expect(posteriorCommon({ ...causal, pCommon: 0 }, 2, 2, 0.6, 0.7)).toBe(0);
    // forced fusion with a flat prior is the ideal observer of matched trials
    const fused = causalBelief({ kind: 'causal', pCommon: 1, priorWidth: 1e6 }, 0.3, 0.1, 0.6, 0.7);
    const sc = combinedNoise(noise, matched);
    expect(fused).toBeCloseTo(normalCdf(((0.3 / 0.36 + 0.1 / 0.49) * sc * sc) / sc), 9);
    expect(() => simulateTrials(Key.fromSeed(0), { kind: 'fixedError', epsilon: 0 }, noise, [neutral], [0], 1, { ...causal, pCommon: 2 })).toThrow(/pCommon = 2/);
  });

  it('choiceProbability agrees with trial-by-trial simulation for greedy and soft policies', () => {
    const models: DecisionModel[] = [{ kind: 'inattention', pAttend: 0.8, pBias: 0.4 }, { kind: 'exploration', beta: 3 }, { kind: 'thompson', kappa: 0.8 }];
    for (const m of models) {
      const cells = aggregateTrials(simulateTrials(Key.fromSeed(3), m, noise, [neutral, matched], [-1, -0.3, 0, 0.4, 2], 4000, causal), [neutral, matched]);
      for (const cell of cells) within(cell.right / cell.total, choiceProbability(m, noise, cell.condition, cell.stimulus, causal), cell.total);
    }
  });

  it('leaves the asymptotes of greedy inattention unchanged: beliefs still saturate on conflict trials', () => {
    const m: DecisionModel = { kind: 'inattention', pAttend: 0.8, pBias: 0.5 };
    for (const c of [neutral, matched]) expect(1 - choiceProbability(m, noise, c, 8, causal)).toBeCloseTo(impliedRates(m, c).lambda, 6);
  });
});

describe('fits with stated sharing', () => {
  const trials = simulateTrials(Key.fromSeed(4), { kind: 'thompson', kappa: 1 }, noise, [neutral, matched], levels, 800);

  it('recover the Thompson rat and prefer it to inattention with a shared p_attend', () => {
    const t = fitDecisionModel({ kind: 'thompson', starts: 3 }, trials, [neutral, matched], Key.fromSeed(5));
    expect((t.model as { kappa: number }).kappa).toBeGreaterThan(0.85);
    expect((t.model as { kappa: number }).kappa).toBeLessThan(1.15);
    expect(t.noise.auditory).toBeGreaterThan(0.5);
    expect(t.noise.auditory).toBeLessThan(0.7);
    const shared = fitDecisionModel({ kind: 'inattention', starts: 3 }, trials, [neutral, matched], Key.fromSeed(5));
    const free = fitDecisionModel({ kind: 'inattention', perCondition: ['pAttend'], starts: 3 }, trials, [neutral, matched], Key.fromSeed(5));
    expect(t.bic).toBeLessThan(shared.bic - 10);
    expect(free.freeParameters).toBe(shared.freeParameters + 1);
    const pa = (name: string) => (free.models[name] as { pAttend: number }).pAttend;
    expect(pa('matched')).toBeGreaterThan(pa('neutral'));
  });

  it('cross-validate over trials: the generating model predicts held-out trials better', () => {
    const k = Key.fromSeed(6);
    const sub = trials.filter((_, i) => i % 2 === 0);
    expect(crossValidate({ kind: 'thompson', starts: 2 }, sub, [neutral, matched], k, 3))
      .toBeGreaterThan(crossValidate({ kind: 'inattention', starts: 2 }, sub, [neutral, matched], k, 3));
  });

  it('keep bounded parameters inside the paper\'s ranges, and name impossible specs', () => {
    const f = fitDecisionModel({ kind: 'exploration', bounds: { beta: 100, width: 10 }, starts: 2 }, trials.slice(0, 2000), [neutral, matched], Key.fromSeed(7));
    expect((f.model as { beta: number }).beta).toBeLessThan(100);
    expect(f.noise.visual).toBeLessThan(10);
    expect(() => fitDecisionModel({ kind: 'inattention', perCondition: ['beta'] }, trials, [neutral, matched], Key.fromSeed(7))).toThrow(/'beta' is not a parameter of the inattention model/);
    expect(() => fitDecisionModel({ kind: 'inattention', extras: ['bias'] }, trials, [neutral, matched], Key.fromSeed(7))).toThrow(/has no 'bias' term/);
    expect(() => crossValidate({ kind: 'thompson' }, trials.slice(0, 3), [neutral, matched], Key.fromSeed(7), 5)).toThrow(/3 trials cannot fill 5 folds/);
  });
});

describe('the learning rat', () => {
  const rat = { kappa: 1, halfExperience: 400, noise };
  it('lapses less with experience, and a fit recovers how fast', () => {
    expect(uncertaintyScale(400, 400)).toBeCloseTo(Math.SQRT2, 12);
    expect(() => uncertaintyScale(0, 10)).toThrow(/experience = 0/);
    expect(learningChoiceProbability(rat, neutral, 30, 100)).toBeLessThan(learningChoiceProbability(rat, neutral, 30, 10000));
    const trials = simulateSessions(Key.fromSeed(8), rat, [neutral, matched], levels, 60, 8, 100);
    const early = trials.filter((t) => t.session === 0 && Math.abs(t.stimulus) === 2);
    const late = trials.filter((t) => t.session === 7 && Math.abs(t.stimulus) === 2);
    const errors = (ts: typeof trials) => ts.filter((t) => (t.stimulus > 0) !== (t.choice === 1)).length / ts.length;
    expect(errors(early)).toBeGreaterThan(errors(late));
    const fit = fitLearning(trials, [neutral, matched], Key.fromSeed(9), { starts: 3 });
    expect(fit.rat.halfExperience).toBeGreaterThan(400 / 2.5);
    expect(fit.rat.halfExperience).toBeLessThan(400 * 2.5);
    expect(fit.bic).toBeLessThan(fitLearning(trials, [neutral, matched], Key.fromSeed(9), { learning: false, starts: 3 }).bic);
    expect(() => simulateSessions(Key.fromSeed(0), { ...rat, halfExperience: -1 }, [neutral], [0], 1, 1, 1)).toThrow(/halfExperience = -1/);
  });
});

describe('counting trials', () => {
  const trials = simulateTrials(Key.fromSeed(10), { kind: 'inattention', pAttend: 0.7, pBias: 0.5 }, noise, [neutral, matched], [-30, 0, 30], 3000);
  it('the easy-trial error rate estimates the lapse rate, with its standard error', () => {
    const r = easyErrorRate(trials, 'neutral', 30);
    expect(r.trials).toBe(6000);
    expect(Math.abs(r.rate - 0.15)).toBeLessThan(5 * r.stderr);
    expect(() => easyErrorRate(trials, 'visual', 30)).toThrow(/no trials of condition "visual"/);
  });
  it('per-condition counts sum to the trials of that condition', () => {
    const counts = conditionCounts(trials, 'matched');
    expect(counts.map((c) => c.stimulus)).toEqual([-30, 0, 30]);
    expect(counts.reduce((a, c) => a + c.total, 0)).toBe(9000);
    expect(counts[2].right).toBe(trials.filter((t) => t.condition === 'matched' && t.stimulus === 30 && t.choice === 1).length);
    expect(() => conditionCounts(trials, 'visual')).toThrow(/use one of: neutral, matched/);
  });
});

describe('the recovery study', () => {
  it('fits every candidate to every rat and counts the winners', async () => {
    const design = {
      policies: [{ kind: 'thompson', kappa: 1 }, { kind: 'inattention', pAttend: 0.8, pBias: 0.5 }] as DecisionModel[],
      candidates: [{ kind: 'thompson' as const, starts: 1 }, { kind: 'inattention' as const, starts: 1 }],
      noise, conditions: [neutral, matched], levels, trialsPerLevel: 400, ratsPerPolicy: 2, easiest: 2,
    };
    const seen: number[] = [];
    const rows = await runRecoveryStudy(Key.fromSeed(11), design, (n) => { seen.push(n); });
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(rows.every((r) => r.bic.length === 2 && r.easyErrors.neutral >= 0)).toBe(true);
    const counts = recoveryCounts(rows);
    expect((counts.thompson.thompson ?? 0) + (counts.thompson.inattention ?? 0)).toBe(2);
    // the same key gives the same study
    expect(await runRecoveryStudy(Key.fromSeed(11), design)).toEqual(rows);
  });
  it('names a missing or corrupt record and the command that remakes it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recovery-'));
    expect(() => loadRecoveryRecord(path.join(dir, 'none.json'))).toThrow(/is missing.*npm run lapses:recovery/);
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"rows": [');
    expect(() => loadRecoveryRecord(path.join(dir, 'bad.json'))).toThrow(/not valid JSON/);
    fs.writeFileSync(path.join(dir, 'other.json'), JSON.stringify({ experiment: 'uae-train' }));
    expect(() => loadRecoveryRecord(path.join(dir, 'other.json'))).toThrow(/holds experiment 'uae-train', not 'lapse-recovery'/);
    fs.writeFileSync(path.join(dir, 'short.json'), JSON.stringify({ experiment: 'lapse-recovery', design: { candidates: [{}, {}] }, rows: [{ bic: [1], best: 'x' }] }));
    expect(() => loadRecoveryRecord(path.join(dir, 'short.json'))).toThrow(/one BIC per candidate/);
    expect(loadRecoveryRecord('data/lapses/recovery.json').rows.length).toBe(300);
  });
});
