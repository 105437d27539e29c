// Explaining away: with p fixed, the sleep phase fits q by KL(p ‖ q) (it matches the posterior's
// marginals and spreads over both causes) and the ELBO fits q by KL(q ‖ p) (it picks one cause).
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key } from '../../lib/core/random';
import { enumerateJoint, exactPosteriorDivergences, explainingAwayNetwork, fitRecognitionOnly, recognitionProbabilities } from '../../lib/helmholtz';
import { expectNoLeak } from '../helpers';

/** The true posterior's marginals p(cause_i = 1 | x = 1), by enumeration (configuration c: bit i is cause i). */
function posteriorMarginals(): number[] {
  const net = explainingAwayNetwork(Key.fromSeed(0));
  const x = tf.ones([1, 1]) as tf.Tensor2D;
  const posterior = tf.tidy(() => {
    const { logJoint } = enumerateJoint(net, x);
    return tf.softmax(tf.reshape(logJoint, [-1])).arraySync() as number[];
  });
  tf.dispose(x);
  net.dispose();
  return [posterior[1] + posterior[3], posterior[2] + posterior[3]];
}

describe('explaining away', () => {
  const seeds = [1, 2];
  it.each(seeds)('seed %i: the sleep phase matches the marginals, the ELBO picks one cause', async (seed) => {
    const data = tf.ones([200, 1]) as tf.Tensor2D;
    const one = tf.ones([1, 1]) as tf.Tensor2D;
    const fit = async (method: 'wake-sleep' | 'nvil') => {
      const net = explainingAwayNetwork(Key.fromSeed(seed));
      await expectNoLeak(() => fitRecognitionOnly(net, method, data, Key.fromSeed(seed), { steps: 600, learningRate: 0.05, progress: 'off' }));
      const kl = exactPosteriorDivergences(net, one);
      const q = recognitionProbabilities(net, one)[0];
      net.dispose();
      return { qToP: kl.qToP[0], pToQ: kl.pToQ[0], q };
    };
    const sleep = await fit('wake-sleep');
    const elbo = await fit('nvil');
    // each method wins on its own divergence, by a wide margin
    expect(sleep.pToQ).toBeLessThan(elbo.pToQ - 1);
    expect(elbo.qToP).toBeLessThan(sleep.qToP - 0.5);
    const marginals = posteriorMarginals();
    sleep.q.forEach((qi, i) => expect(Math.abs(qi - marginals[i])).toBeLessThan(0.08));
    expect(Math.max(...elbo.q)).toBeGreaterThan(0.95);
    expect(Math.min(...elbo.q)).toBeLessThan(0.2);
    tf.dispose([data, one]);
  });
});
