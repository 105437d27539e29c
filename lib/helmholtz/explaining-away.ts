// Explaining away, the smallest case where wake-sleep's sleep phase and the ELBO want different
// recognition models: two rare binary causes, either of which turns a pixel on. Seeing the pixel on,
// the true posterior puts its mass on "one cause or the other", which a factorized q cannot hold.
// Fitting q with p fixed shows which divergence each method minimises.
import * as tf from '../core/tf';
import { Key } from '../core/random';
import { adam } from '../core/adam';
import { train } from '../core/train';
import { checkInt } from '../core/errors';
import { SigmoidBeliefNet } from './sbn';
import { HelmholtzMethod, NvilBaseline, surrogateLoss } from './estimators';
import { exactPosteriorDivergences } from './likelihood';

/** Prior logit of each cause: p(cause) = sigmoid(−2.2) ≈ 0.1. */
export const CAUSE_PRIOR_LOGIT = -2.2;
/** The pixel's logit is −10 + 20 × (number of causes on): off unless a cause is on. */
export const PIXEL_BIAS = -10;
export const CAUSE_WEIGHT = 20;

/** The two-cause network [1, 2] with p fixed as above and q(h|x) starting uniform. */
export function explainingAwayNetwork(key: Key): SigmoidBeliefNet {
  const net = new SigmoidBeliefNet([1, 2], key, 'explaining-away');
  tf.tidy(() => {
    net.topLogits.assign(tf.fill([2], CAUSE_PRIOR_LOGIT) as tf.Tensor1D);
    net.generative[0].weight.assign(tf.fill([2, 1], CAUSE_WEIGHT));
    net.generative[0].bias.assign(tf.fill([1], PIXEL_BIAS));
    net.recognition[0].variables.forEach((v) => v.assign(tf.zerosLike(v)));
  });
  return net;
}

/**
 * Trains only the recognition network of `net` by `method` ('wake-sleep' trains q on dreams, 'nvil'
 * on the ELBO) on the data rows x, with p held fixed; returns the exact divergences per row after.
 */
export async function fitRecognitionOnly(net: SigmoidBeliefNet, method: HelmholtzMethod, x: tf.Tensor2D, key: Key,
  o: { steps: number; learningRate: number; progress?: 'auto' | 'lines' | 'off' }): Promise<{ qToP: Float64Array; pToQ: Float64Array }> {
  checkInt('steps', o.steps, 1);
  const baseline = method === 'nvil' ? new NvilBaseline(net.sizes[0], key.foldIn(1)) : undefined;
  const optimizer = adam(o.learningRate);
  try {
    await train(key.foldIn(2), (k) => surrogateLoss(method, net, k, x, { baseline }), {
      steps: o.steps,
      optimizer,
      variables: [...net.recognitionVariables, ...(baseline?.variables ?? [])],
      label: `q by ${method}`,
      progress: o.progress,
    });
  } finally {
    optimizer.dispose();
    baseline?.dispose();
  }
  return exactPosteriorDivergences(net, x);
}

/** q(cause_i = 1 | x) for each row of x, [rows][2]. */
export function recognitionProbabilities(net: SigmoidBeliefNet, x: tf.Tensor2D): number[][] {
  const p = tf.tidy(() => tf.sigmoid(net.recognition[0].apply(x)));
  const out = p.arraySync() as number[][];
  p.dispose();
  return out;
}
