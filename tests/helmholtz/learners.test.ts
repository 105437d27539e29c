// The Helmholtz lecture's one training loop: every learner trains through it, reproducibly and
// leak-free; training on bars closes part of the exact gap to the true distribution; the bars
// expectations are exact; bad input is refused by name.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key } from '../../lib/core/random';
import { DataError, ShapeError } from '../../lib/core/errors';
import {
  SigmoidBeliefNet,
  barsDistribution,
  barsDistributionImages,
  barsEntropy,
  barsImages,
  exactLogMarginal,
  expectedLogLikelihoodOnBars,
  fitLearner,
  helmholtzLearner,
  meanLogMarginal,
  tensorBatches,
  vaeLearner,
} from '../../lib/helmholtz';
import { Vae } from '../../lib/vae/vae';
import { expectNoLeak, values } from '../helpers';

/** KL(bars ‖ model) in nats, exactly, for a network small enough to enumerate. */
function barsGap(model: SigmoidBeliefNet): number {
  const images = barsDistributionImages();
  const logP = exactLogMarginal(model, images);
  const gap = -expectedLogLikelihoodOnBars(logP.dataSync()) - barsEntropy();
  tf.dispose([images, logP]);
  return gap;
}

describe('bars expectations', () => {
  it('the true distribution scores exactly −H, and a uniform model −25 log 2', () => {
    const dist = barsDistribution();
    const truth = dist.map((d) => Math.log(d.probability));
    expect(expectedLogLikelihoodOnBars(truth)).toBeCloseTo(-barsEntropy(), 10);
    expect(expectedLogLikelihoodOnBars(dist.map(() => -25 * Math.log(2)))).toBeCloseTo(-25 * Math.log(2), 10);
    const images = barsDistributionImages();
    expect(images.shape).toEqual([dist.length, 25]);
    expect(values(tf.tidy(() => tf.sum(images, 1))).slice(0, 3)).toEqual(dist.slice(0, 3).map((d) => d.image.reduce((s, v) => s + v, 0)));
    images.dispose();
    expect(() => expectedLogLikelihoodOnBars([1, 2, 3])).toThrow(ShapeError);
  });
});

describe('fitLearner', () => {
  const data = barsImages(Key.fromSeed(11), 2000);

  it('RWS narrows the exact gap to the bars distribution, and the same key gives the same run', async () => {
    const run = async () => {
      const model = new SigmoidBeliefNet([25, 10], Key.fromSeed(3));
      const learner = helmholtzLearner(model, 'rws', Key.fromSeed(4), { particles: 5 });
      const before = barsGap(model);
      const result = await expectNoLeak(() => fitLearner(learner, tensorBatches(data, 50, Key.fromSeed(5)), Key.fromSeed(6), { steps: 300, learningRate: 0.03, progress: 'off' }));
      const after = barsGap(model);
      learner.dispose();
      return { before, after, losses: result.losses };
    };
    const a = await run();
    const b = await run();
    expect(a.after).toBeLessThan(a.before - 3);
    expect(a.after).toBeGreaterThan(0); // no model beats the truth
    expect(b.losses).toEqual(a.losses);
  });

  it('records a learning curve of held-out log p(x) at the requested steps, for a VAE learner too', async () => {
    const vae = new Vae({ dataDim: 25, hidden: [16], latentDim: 3, activation: 'tanh' }, Key.fromSeed(7));
    const learner = vaeLearner(vae, 5);
    expect(learner.name).toBe('IWAE K=5');
    const heldOut = barsImages(Key.fromSeed(12), 50);
    const result = await fitLearner(learner, tensorBatches(data, 50, Key.fromSeed(8)), Key.fromSeed(9), {
      steps: 40, learningRate: 1e-2, progress: 'off', evaluate: { every: 15, score: (l) => meanLogMarginal(l, Key.fromSeed(10), heldOut, 20) },
    });
    expect(result.curve.map((c) => c.step)).toEqual([15, 30, 40]);
    result.curve.forEach((c) => expect(c.value).toBeLessThan(0));
    expect(result.losses).toHaveLength(40);
    tf.dispose(heldOut);
    learner.dispose();
  });

  it('names its learners, and refuses grey data and bad settings', async () => {
    const model = new SigmoidBeliefNet([25, 4], Key.fromSeed(1));
    expect(helmholtzLearner(model, 'vimco', Key.fromSeed(1), { particles: 20 }).name).toBe('VIMCO K=20');
    expect(helmholtzLearner(model, 'wake-sleep', Key.fromSeed(1)).name).toBe('wake-sleep');
    expect(() => helmholtzLearner(model, 'gibbs' as never, Key.fromSeed(1))).toThrow(/unknown method 'gibbs'/);
    const grey = tf.fill([10, 25], 0.5) as tf.Tensor2D;
    expect(() => tensorBatches(grey, 5, Key.fromSeed(1))).toThrow(DataError);
    const learner = helmholtzLearner(model, 'rws', Key.fromSeed(1));
    await expect(fitLearner(learner, tensorBatches(data, 5, Key.fromSeed(1)), Key.fromSeed(1), { steps: 1, learningRate: -1 })).rejects.toThrow(/learningRate/);
    tf.dispose(grey);
    learner.dispose();
  });
});
