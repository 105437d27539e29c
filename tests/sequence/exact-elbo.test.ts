// The exact ELBO of a linear-Gaussian filtering q: log p(x) = ELBO(q) + KL(q || p(z | x)), with the
// ELBO from q's closed form, the KL from the stacked Gaussians and log p(x) from the Kalman filter:
// three separate computations that must add up, before and after q is trained.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key } from '../../lib/core/random';
import { adam } from '../../lib/core/adam';
import {
  LinearFilterRecognition, gaussianKl, kalmanFilter, rotatingLatentModel, sampleStateSpace, stackedGaussian, stackedPosterior,
} from '../../lib/sequence';

describe('the exact ELBO of a linear filter', () => {
  it('adds up with the exact KL to log p(x), and training moves nats from the KL to the ELBO', () => {
    const p = rotatingLatentModel({ angles: [0.5], decay: 0.9, observed: 4, noise: 0.4 }, Key.fromSeed(1));
    const steps = 6;
    const { x } = sampleStateSpace(p, steps, 1, Key.fromSeed(2));
    const q = new LinearFilterRecognition(2, 4, Key.fromSeed(3));
    const xt = tf.tensor3d(x);
    const logPx = kalmanFilter(p, x[0]).logLikelihood;
    const posterior = stackedPosterior(stackedGaussian(p, steps), x[0]);
    const account = () => {
      const elbo = tf.tidy(() => q.exactElbo(p, xt).dataSync()[0]);
      const s = q.stacked(x[0]);
      return { elbo, kl: gaussianKl(s.mean, s.cov, posterior.mean, posterior.cov) };
    };
    const before = account();
    expect(before.elbo + before.kl).toBeCloseTo(logPx, 2);
    const optimizer = adam(0.05);
    const step = () => optimizer.minimize(() => tf.neg(q.exactElbo(p, xt)) as tf.Scalar, false, q.variables);
    step(); // Adam makes its moments on the first step
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 300; i++) step();
    expect(tf.memory().numTensors).toBe(tensors);
    const after = account();
    expect(after.elbo + after.kl).toBeCloseTo(logPx, 2);
    expect(after.elbo - before.elbo).toBeGreaterThan(1);
    expect(after.kl).toBeGreaterThan(0);
    optimizer.dispose();
    q.dispose();
    xt.dispose();
  });
});
