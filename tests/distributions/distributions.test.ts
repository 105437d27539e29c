import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as tf from '../../lib/core/tf';
import { Key } from '../../lib/core/random';
import { ParameterError, ShapeError } from '../../lib/core/errors';
import { Bernoulli, Categorical, Normal, kl, klMonteCarlo } from '../../lib/distributions';
import { expectClose, expectNoLeak, values } from '../helpers';

// golden values from scipy: tests/fixtures/make_distribution_fixtures.py
const G = JSON.parse(fs.readFileSync('tests/fixtures/distributions.json', 'utf8'));

describe('Normal', () => {
  it('logProb and entropy match scipy', async () => {
    await expectNoLeak(() => tf.tidy(() => {
      const d = new Normal(tf.tensor(G.normal.loc), tf.tensor(G.normal.scale));
      expectClose(values(d.logProb(tf.tensor(G.normal.x))), G.normal.logpdf.flat(), 1e-4, 1e-5);
      expectClose(values(d.entropy()), G.normal.entropy, 1e-5);
      // eventRank 1 sums over the event
      const e = new Normal(tf.tensor(G.normal.loc), tf.tensor(G.normal.scale), { eventRank: 1 });
      expect(e.eventShape).toEqual([6]);
      expect(e.batchShape).toEqual([]);
      expectClose(values(e.logProb(tf.tensor(G.normal.x))), G.normal.logpdf.map((r: number[]) => r.reduce((a, b) => a + b)), 1e-4, 1e-5);
    }));
  });

  it('KL matches numerical integration by scipy and the Monte Carlo estimate', async () => {
    await expectNoLeak(() => tf.tidy(() => {
      const p = new Normal(tf.tensor(G.normal_kl.loc1), tf.tensor(G.normal_kl.scale1));
      const q = new Normal(tf.tensor(G.normal_kl.loc2), tf.tensor(G.normal_kl.scale2));
      expectClose(values(kl(p, q)), G.normal_kl.kl, 1e-4, 1e-4);
      // 200k draws: the MC standard error is below 1% of these KLs
      const mc = values(klMonteCarlo(p, q, Key.fromSeed(5), 200_000));
      expectClose(mc, G.normal_kl.kl, 0.02, 0.03);
    }));
  });

  it('samples have the requested shape, mean and standard deviation', async () => {
    await expectNoLeak(() => tf.tidy(() => {
      const d = new Normal(tf.tensor([1, -2]), tf.tensor([0.5, 3]));
      const s = d.sample(Key.fromSeed(1), 50_000);
      expect(s.shape).toEqual([50_000, 2]);
      const { mean, variance } = tf.moments(s, 0);
      expectClose(values(mean), [1, -2], 0.05);
      expectClose(values(tf.sqrt(variance)), [0.5, 3], 0.05);
    }));
  });

  it('rsample carries the gradient to loc and scale; sample does not', () => {
    const loc = tf.tensor([0.3]);
    const scale = tf.tensor([2.0]);
    const key = Key.fromSeed(9);
    const [gLoc, gScale] = tf.grads((l: tf.Tensor, s: tf.Tensor) => tf.sum(new Normal(l, s, { validate: false }).rsample(key)))([loc, scale]);
    expect(values(gLoc)[0]).toBeCloseTo(1, 6);
    const eps = (values(new Normal(loc, scale).rsample(key))[0] - 0.3) / 2;
    expect(values(gScale)[0]).toBeCloseTo(eps, 5);
    // sample's draw is cut from the tape: nothing leads back from it to loc
    expect(() => tf.grads((l: tf.Tensor) => tf.sum(new Normal(l, scale, { validate: false }).sample(key)))([loc])).toThrow(/Cannot compute gradient/);
  });

  it('bad parameters get named errors', () => {
    expect(() => new Normal(tf.tensor([0, 0]), tf.tensor([1]))).toThrow(ShapeError);
    expect(() => new Normal(tf.tensor([0]), tf.tensor([0]))).toThrow(/scale\[0\] = 0 .*positive/);
    expect(() => new Normal(tf.tensor([0]), tf.tensor([-1]))).toThrow(ParameterError);
    expect(() => new Normal(tf.tensor([NaN]), tf.tensor([1]))).toThrow(/loc\[0\] = NaN/);
    expect(() => new Normal(tf.tensor([0]), tf.tensor([Infinity]))).toThrow(ParameterError);
    expect(() => new Normal(tf.tensor([0]), tf.tensor([1]), { eventRank: 2 })).toThrow(/eventRank 2/);
    expect(() => new Normal(tf.tensor([0, 1]), tf.tensor([1, 1])).logProb(tf.tensor([1, 2, 3]))).toThrow(/trailing axes/);
  });
});

describe('Bernoulli', () => {
  it('logProb, entropy and KL match scipy, also for large |logits|', async () => {
    await expectNoLeak(() => tf.tidy(() => {
      const d = new Bernoulli(tf.tensor(G.bernoulli.logits));
      expectClose(values(d.logProb(tf.tensor(G.bernoulli.x))), G.bernoulli.logpmf.flat(), 1e-4, 1e-5);
      expectClose(values(d.entropy()), G.bernoulli.entropy, 1e-5, 1e-3);
      const q = new Bernoulli(tf.tensor(G.bernoulli.logits_q));
      expectClose(values(kl(d, q)), G.bernoulli.kl, 1e-4, 1e-4);
    }));
  });

  it('the gradient of logProb with respect to the logits is x - sigmoid(l), also for large |logits|', async () => {
    await expectNoLeak(() => tf.tidy(() => {
      const logits = tf.tensor([-80, -3, -0.5, 0, 0.5, 3, 80, 2]);
      const x = tf.tensor([1, 0, 1, 1, 0, 1, 0, 1]);
      const g = tf.grad((l: tf.Tensor) => new Bernoulli(l).logProb(x))(logits);
      expectClose(values(g), values(tf.sub(x, tf.sigmoid(logits))), 1e-6, 1e-6);
    }));
  });

  it('sample frequencies match the probabilities', async () => {
    await expectNoLeak(() => tf.tidy(() => {
      const d = Bernoulli.fromProbs(tf.tensor([0, 0.2, 0.9, 1]));
      const freq = values(tf.mean(d.sample(Key.fromSeed(3), 40_000), 0));
      expectClose(freq, [0, 0.2, 0.9, 1], 0.01);
    }));
  });

  it('probabilities 0 and 1 give exact log-probabilities and entropies, not NaN', async () => {
    await expectNoLeak(() => tf.tidy(() => {
      const d = Bernoulli.fromProbs(tf.tensor([0, 1, 0.5]));
      expect(values(d.logProb(tf.tensor([0, 1, 1])))).toEqual([0, 0, Math.fround(Math.log(0.5))]);
      expect(values(d.logProb(tf.tensor([1, 0, 0])))[0]).toBe(-Infinity);
      expect(values(d.logProb(tf.tensor([1, 0, 0])))[1]).toBe(-Infinity);
      const h = values(d.entropy());
      expect(h.slice(0, 2)).toEqual([0, 0]);
      expect(h[2]).toBeCloseTo(Math.log(2), 6);
    }));
  });

  it('bad input gets named errors', () => {
    expect(() => Bernoulli.fromProbs(tf.tensor([0.5, 1.2]))).toThrow(/probs\[1\] = 1.2.* in \[0, 1\]/);
    expect(() => Bernoulli.fromProbs(tf.tensor([-0.1]))).toThrow(ParameterError);
    expect(() => new Bernoulli(tf.tensor([NaN]))).toThrow(ParameterError);
    expect(() => new Bernoulli(tf.tensor([0])).logProb(tf.tensor([2]))).toThrow(/x\[0\] = 2/);
    expect(() => new Bernoulli(tf.tensor([0])).rsample()).toThrow(/no reparameterised sampler/);
  });
});

describe('Categorical', () => {
  it('logProb, entropy and KL match scipy', async () => {
    await expectNoLeak(() => tf.tidy(() => {
      const d = new Categorical(tf.tensor(G.categorical.logits));
      expectClose(values(d.logProb(tf.tensor(G.categorical.x, undefined, 'int32'))), G.categorical.logpmf.flat(), 1e-5, 1e-5);
      expectClose(values(d.entropy()), G.categorical.entropy, 1e-5, 1e-5);
      expectClose(values(kl(d, new Categorical(tf.tensor(G.categorical.logits_q)))), G.categorical.kl, 1e-5, 1e-4);
    }));
  });

  it('Gumbel-max samples follow the probabilities, and a -Infinity logit is never drawn', async () => {
    await expectNoLeak(() => tf.tidy(() => {
      const d = new Categorical(tf.log(tf.tensor([0.5, 0.3, 0.2, 0])));
      const s = d.sample(Key.fromSeed(11), 40_000);
      const freq = values(tf.mean(tf.oneHot(s, 4), 0));
      expectClose(freq, [0.5, 0.3, 0.2, 0], 0.012);
      expect(values(d.logProb(tf.tensor([3], undefined, 'int32')))[0]).toBe(-Infinity);
    }));
  });

  it('bad input gets named errors', () => {
    expect(() => Categorical.fromProbs(tf.tensor([[0.5, 0.6]]))).toThrow(/sum to 1.1/);
    expect(() => new Categorical(tf.tensor([0, 1])).logProb(tf.tensor([2], undefined, 'int32'))).toThrow(/class index in 0..1/);
    expect(() => new Categorical(tf.tensor(1))).toThrow(ShapeError);
  });
});

describe('KL registry', () => {
  it('names the missing pair and the Monte Carlo alternative', () => {
    const n = new Normal(tf.tensor([0]), tf.tensor([1]));
    const b = new Bernoulli(tf.tensor([0]));
    expect(() => kl(n, b)).toThrow(/no analytic KL\(Normal \|\| Bernoulli\).*klMonteCarlo/);
  });
});
