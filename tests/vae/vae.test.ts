import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '../../lib/core/tf';
import { Key } from '../../lib/core/random';
import { ShapeError } from '../../lib/core/errors';
import { head, loadMnist } from '../../lib/data';
import { Vae, binarizedTestSet, estimatorVariances, evaluateElbo, evaluateElboDraws, evaluateIwae, perSampleGradients, trainVae } from '../../lib/vae';
import { expectClose, expectNoLeak, values } from '../helpers';

const small = { dataDim: 6, hidden: [8], latentDim: 2 };

describe('Vae bounds', () => {
  it('ELBO with analytic KL equals the MC-KL ELBO on average; IWAE rises with k and k=1 matches the ELBO', async () => {
    const vae = new Vae(small, Key.fromSeed(1));
    const n = 4000;
    const x = tf.tensor2d([[1, 0, 1, 1, 0, 0], [0, 0, 0, 1, 1, 1]]);
    const xs = tf.tile(x, [n, 1]) as tf.Tensor2D; // [2n, 6]: n copies of both examples
    await expectNoLeak(() => {
      // mean and standard error over the n copies of each example
      const stats = (perExample: () => tf.Tensor) => tf.tidy(() => {
        const { mean, variance } = tf.moments(tf.reshape(perExample(), [n, 2]), 0);
        return { mean: values(mean), se: values(tf.sqrt(tf.div(variance, n))) };
      });
      const analytic = stats(() => vae.elbo(xs, Key.fromSeed(2)));
      const mc = stats(() => vae.elbo(xs, Key.fromSeed(3), 'mc'));
      const iwae1 = stats(() => vae.iwae(xs, Key.fromSeed(4), 1));
      [0, 1].forEach((i) => {
        const se = Math.hypot(analytic.se[i], mc.se[i]);
        expect(Math.abs(mc.mean[i] - analytic.mean[i])).toBeLessThan(4 * se);
        expect(Math.abs(iwae1.mean[i] - analytic.mean[i])).toBeLessThan(4 * Math.hypot(analytic.se[i], iwae1.se[i]));
      });
      const k10 = stats(() => vae.iwae(xs, Key.fromSeed(5), 10));
      const k1000 = tf.tidy(() => values(vae.iwae(x, Key.fromSeed(6), 1000, 500)));
      [0, 1].forEach((i) => {
        expect(k10.mean[i]).toBeGreaterThan(analytic.mean[i]);
        expect(k1000[i]).toBeGreaterThan(k10.mean[i] - 4 * k10.se[i]);
      });
    });
    tf.dispose([x, xs]);
    vae.dispose();
  });

  it('IWAE with many samples approaches the exact log p(x) computed by enumeration-free quadrature', () => {
    // latent dim 1: log p(x) = log \int p(x|z) p(z) dz by the trapezoidal rule on a fine grid
    const vae = new Vae({ dataDim: 5, hidden: [6], latentDim: 1 }, Key.fromSeed(3));
    const x = tf.tensor2d([[1, 0, 1, 1, 0]]);
    const exact = tf.tidy(() => {
      const z = tf.linspace(-8, 8, 4001).reshape([4001, 1]) as tf.Tensor2D;
      const logJoint = tf.add(vae.decode(z).logProb(tf.tile(x, [4001, 1])), vae.prior(4001).logProb(z));
      return tf.logSumExp(logJoint).dataSync()[0] + Math.log(16 / 4000);
    });
    const iwae = vae.iwae(x, Key.fromSeed(4), 20000, 5000);
    expect(Math.abs(values(iwae)[0] - exact)).toBeLessThan(0.02);
    tf.dispose([x, iwae]);
    vae.dispose();
  });

  it('rejects data of the wrong width', () => {
    const vae = new Vae(small, Key.fromSeed(1));
    expect(() => vae.elbo(tf.ones([2, 5]) as tf.Tensor2D, Key.fromSeed(0))).toThrow(ShapeError);
    expect(() => vae.elbo(tf.ones([2, 5]) as tf.Tensor2D, Key.fromSeed(0))).toThrow(/x has shape \[2, 5\] but \[\*, 6\]/);
    expect(() => new Vae({ latentDim: 0 }, Key.fromSeed(0))).toThrow(/latentDim = 0/);
    vae.dispose();
  });
});

describe('VAE training on MNIST', () => {
  it('lowers the test negative ELBO in 150 steps, reproducibly, without leaking tensors, and saves/loads', async () => {
    const data = loadMnist();
    const test = head(binarizedTestSet(data.test), 500);
    const run = async () => {
      const vae = new Vae({ hidden: [64], latentDim: 8 }, Key.fromSeed(1));
      const before = evaluateElbo(vae, test, Key.fromSeed(2)).mean;
      const counts: number[] = [];
      const r = await trainVae(vae, data.train, Key.fromSeed(3), { steps: 150, batchSize: 64, learningRate: 3e-3, progress: 'off',
        onStep: () => { counts.push(tf.memory().numTensors); } });
      expect(new Set(counts.slice(1)).size).toBe(1);
      return { vae, before, after: evaluateElbo(vae, test, Key.fromSeed(2)).mean, losses: r.losses };
    };
    const a = await run();
    expect(a.before).toBeLessThan(-500);
    expect(a.after).toBeGreaterThan(-210);
    const b = await run();
    expect(b.losses).toEqual(a.losses);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vae-'));
    a.vae.save(dir, { note: 'test' });
    const loaded = Vae.load(dir);
    expect(loaded.meta.note).toBe('test');
    expect(evaluateElbo(loaded.vae, test, Key.fromSeed(2)).mean).toBeCloseTo(a.after, 4);
    const iw = await evaluateIwae(loaded.vae, head(test, 20), Key.fromSeed(5), 50);
    expect(iw.mean).toBeGreaterThan(evaluateElbo(loaded.vae, head(test, 20), Key.fromSeed(5)).mean);
    [a.vae, b.vae, loaded.vae].forEach((v) => v.dispose());
  });
});

describe('the ELBO averaged over draws', () => {
  it('averages the single-draw ELBOs, and its draw error predicts how much the mean moves with the key', async () => {
    const vae = new Vae({ dataDim: 784, hidden: [32], latentDim: 4 }, Key.fromSeed(1));
    const test = binarizedTestSet(loadMnist().test);
    await expectNoLeak(() => {
      const drawn = evaluateElboDraws(vae, test, Key.fromSeed(2), 4, 200, 50);
      const single = [0, 1, 2, 3].map((d) => evaluateElbo(vae, test, Key.fromSeed(2).foldIn(d), 200, 50).values);
      expect(drawn.values.length).toBe(200);
      expectClose(drawn.values, drawn.values.map((_, i) => single.reduce((s, v) => s + v[i], 0) / 4), 1e-4, 1e-5);
      // the same images under other keys: their means spread by the draw error
      const means = Array.from({ length: 12 }, (_, r) => evaluateElboDraws(vae, test, Key.fromSeed(10 + r), 4, 200, 50).mean);
      const centre = means.reduce((s, m) => s + m, 0) / means.length;
      const spread = Math.sqrt(means.reduce((s, m) => s + (m - centre) ** 2, 0) / (means.length - 1));
      expect(spread / drawn.drawStderr).toBeGreaterThan(0.5);
      expect(spread / drawn.drawStderr).toBeLessThan(2);
    });
    expect(() => evaluateElboDraws(vae, test, Key.fromSeed(2), 1, 10)).toThrow(/draws/);
    vae.dispose();
  });
});

describe('gradient estimators', () => {
  // f(z) = sum (z - c)^2 under N(mu, sigma^2): d/dmu E f = 2 (mu - c)
  const c = tf.tensor1d([0.5, -1, 2]);
  const f = (z: tf.Tensor2D) => tf.sum(tf.square(tf.sub(z, c)), 1) as tf.Tensor1D;
  const mu = tf.tensor1d([1, 0, -1]);
  const sigma = tf.tensor1d([0.5, 1, 2]);

  it('both are unbiased, and the pathwise per-draw variance is the analytic 4 sigma^2', async () => {
    await expectNoLeak(() => {
      const g = perSampleGradients(f, mu, sigma, Key.fromSeed(1), 100_000);
      const truth = [1, 2, -6];
      for (const est of [g.pathwise, g.score]) {
        const [mean, se] = tf.tidy(() => {
          const m = tf.moments(est, 0);
          return [values(m.mean), values(tf.sqrt(tf.div(m.variance, 100_000)))];
        });
        mean.forEach((m, i) => expect(Math.abs(m - truth[i])).toBeLessThan(5 * se[i]));
      }
      expectClose(tf.tidy(() => values(tf.moments(g.pathwise, 0).variance)), [1, 4, 16], 0, 0.03);
      tf.dispose([g.pathwise, g.score]);
    });
  });

  it('estimator variance falls as 1/N, and the score function is noisier by a stable factor', () => {
    for (const seed of [1, 2]) {
      const rows = estimatorVariances(f, mu, sigma, Key.fromSeed(seed), [1, 16], 2000);
      // pathwise total variance per draw: 4 * (0.25 + 1 + 4) = 21
      expect(rows[0].pathwise).toBeGreaterThan(21 * 0.9);
      expect(rows[0].pathwise).toBeLessThan(21 * 1.1);
      expect(rows[1].pathwise * 16).toBeGreaterThan(21 * 0.9);
      expect(rows[1].pathwise * 16).toBeLessThan(21 * 1.1);
      expect(rows[0].score / rows[0].pathwise).toBeGreaterThan(5);
    }
  });
});
