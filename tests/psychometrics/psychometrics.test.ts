import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import { Key } from '../../lib/core/random';
import { ChoiceCounts, fitPsychometric, informationCriteria, logLikelihood, nelderMead, psychometric, simulateChoices } from '../../lib/psychometrics';

// golden values from scipy: tests/fixtures/make_psychometric_fixtures.py
const G = JSON.parse(fs.readFileSync('tests/fixtures/psychometric.json', 'utf8'));
const rows = (g: { stimulus: number[]; right: number[]; total: number[] }): ChoiceCounts[] =>
  g.stimulus.map((s, i) => ({ stimulus: s, right: g.right[i], total: g.total[i] }));

describe('psychometric functions and likelihood', () => {
  it('binomial log-likelihood matches scipy for the normal, logistic and Weibull cores', () => {
    expect(logLikelihood('normal', G.params, rows(G))).toBeCloseTo(G.logLik.normal, 9);
    expect(logLikelihood('logistic', G.params, rows(G))).toBeCloseTo(G.logLik.logistic, 9);
    expect(logLikelihood('weibull', G.weibull.params, rows(G.weibull))).toBeCloseTo(G.logLik.weibull, 9);
  });

  it('has the guess and lapse rates as its asymptotes', () => {
    const p = { mu: 0, sigma: 1, gamma: 0.1, lambda: 0.2 };
    expect(psychometric('normal', p, -50)).toBeCloseTo(0.1, 12);
    expect(psychometric('normal', p, 50)).toBeCloseTo(0.8, 12);
    expect(psychometric('logistic', p, 0)).toBeCloseTo(0.1 + 0.7 / 2, 12);
  });

  it('bad data and parameters get errors naming the row or parameter', () => {
    const p = { mu: 0, sigma: 1, gamma: 0.1, lambda: 0.1 };
    expect(() => logLikelihood('normal', p, [{ stimulus: 0, right: 5, total: 3 }])).toThrow(/row 0: right = 5/);
    expect(() => logLikelihood('normal', p, [{ stimulus: 0, right: 1, total: -3 }])).toThrow(/row 0: total = -3/);
    expect(() => logLikelihood('normal', { ...p, gamma: 1.2 }, [])).toThrow(/gamma = 1.2 but it must be in \[0, 1\)/);
    expect(() => logLikelihood('normal', { ...p, sigma: 0 }, [])).toThrow(/sigma = 0/);
    expect(() => logLikelihood('normal', { ...p, gamma: 0.6, lambda: 0.5 }, [])).toThrow(/sum to less than 1/);
    expect(() => psychometric('weibull', p, -1)).toThrow(/Weibull .* stimulus -1 < 0/);
  });
});

describe('maximum-likelihood fits', () => {
  const truth = { mu: 0.2, sigma: 0.7, gamma: 0.06, lambda: 0.1 };
  const levels = [-2, -1.5, -1, -0.5, -0.25, 0, 0.25, 0.5, 1, 1.5, 2];

  it('recover the generating parameters within their standard errors, over several seeds', () => {
    for (const seed of [1, 2, 3, 4]) {
      const data = simulateChoices(Key.fromSeed(seed), 'normal', truth, levels, 400);
      const fit = fitPsychometric(data, Key.fromSeed(100 + seed));
      for (const name of ['mu', 'sigma', 'gamma', 'lambda'] as const) {
        const se = fit.standardErrors[name]!;
        expect(Number.isFinite(se) && se > 0).toBe(true);
        // 4 standard errors: a false alarm in about 1 of 16,000 parameter checks
        expect(Math.abs(fit.params[name] - truth[name])).toBeLessThan(4 * se);
      }
      expect(fit.logLikelihood).toBeGreaterThanOrEqual(logLikelihood('normal', truth, data) - 1e-6);
    }
  });

  it('fixing the lapse rate at zero biases the slope when the observer lapses (Wichmann and Hill)', () => {
    let flatter = 0;
    for (const seed of [1, 2, 3, 4, 5]) {
      const data = simulateChoices(Key.fromSeed(seed), 'normal', truth, levels, 200);
      const free = fitPsychometric(data, Key.fromSeed(seed));
      const fixed = fitPsychometric(data, Key.fromSeed(seed), { fixLambda: 0 });
      if (fixed.params.sigma > free.params.sigma) flatter++;
      expect(fixed.freeParameters).toBe(3);
    }
    expect(flatter).toBe(5);
  });

  it('AIC and BIC follow their definitions', () => {
    const ic = informationCriteria({ logLikelihood: -100, freeParameters: 4 }, 1000);
    expect(ic.aic).toBeCloseTo(208, 12);
    expect(ic.bic).toBeCloseTo(4 * Math.log(1000) + 200, 12);
  });

  it('rejects empty data and impossible fixed rates', () => {
    expect(() => fitPsychometric([{ stimulus: 0, right: 0, total: 0 }], Key.fromSeed(0))).toThrow(/no trials/);
    expect(() => fitPsychometric(simulateChoices(Key.fromSeed(0), 'normal', truth, levels, 10), Key.fromSeed(0), { fixLambda: 0.7 })).toThrow(/fixLambda = 0.7/);
  });
});

describe('Nelder-Mead', () => {
  it('finds the minimum of the Rosenbrock function', () => {
    const r = nelderMead(([x, y]) => (1 - x) ** 2 + 100 * (y - x * x) ** 2, [-1.2, 1], 0.5, 5000, 1e-14);
    expect(r.x[0]).toBeCloseTo(1, 3);
    expect(r.x[1]).toBeCloseTo(1, 3);
  });
});

describe('Bayesian grid fit and parametric bootstrap', () => {
  const truth = { mu: 0.2, sigma: 0.7, gamma: 0.06, lambda: 0.1 };
  const levels = [-2, -1.5, -1, -0.5, -0.25, 0, 0.25, 0.5, 1, 1.5, 2];
  it('credible intervals cover the generating parameters, over several seeds', async () => {
    const { fitBayesGrid } = await import('../../lib/psychometrics');
    let covered = 0;
    let checks = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const data = simulateChoices(Key.fromSeed(seed), 'normal', truth, levels, 150);
      const post = fitBayesGrid(data, 'normal', 21);
      for (const name of ['mu', 'sigma', 'gamma', 'lambda'] as const) {
        const m = post.marginals[name];
        expect(m.lower).toBeLessThanOrEqual(m.upper);
        checks++;
        if (m.lower <= truth[name] && truth[name] <= m.upper) covered++;
      }
    }
    // 95% intervals: 80 checks cover about 76 times (sd 2); 68 is four standard deviations below
    expect(covered).toBeGreaterThanOrEqual(68);
  });

  it('bootstrap intervals contain the estimate and shrink with more trials', async () => {
    const { bootstrap } = await import('../../lib/psychometrics');
    const few = bootstrap(simulateChoices(Key.fromSeed(7), 'normal', truth, levels, 40), Key.fromSeed(8), 60);
    const many = bootstrap(simulateChoices(Key.fromSeed(7), 'normal', truth, levels, 400), Key.fromSeed(8), 60);
    expect(many.mu.upper - many.mu.lower).toBeLessThan(few.mu.upper - few.mu.lower);
    expect(many.mu.lower).toBeLessThan(truth.mu + 0.05);
    expect(many.mu.upper).toBeGreaterThan(truth.mu - 0.05);
  });
});
