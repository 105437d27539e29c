// Checks at the public boundary: loops whose step comes from the caller, allocations that grow
// exponentially with a parameter, and option strings are refused at once with a named error.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key } from '../../lib/core/random';
import { ParameterError } from '../../lib/core/errors';
import {
  Vae,
  evaluateElbo,
  evaluateIwae,
  LatentVae,
  FactorizedDecoder,
  diagnose,
} from '../../lib/vae';
import { gridLogNormalizer } from '../../lib/flows';
import { priorBuckets, vaeCoder } from '../../lib/coding';
import type { ImageSet } from '../../lib/data';

const images: ImageSet = {
  pixels: new Uint8Array(4 * 6).fill(1),
  labels: new Uint8Array(4),
  n: 4,
  rows: 2,
  cols: 3,
} as ImageSet;

describe('no hangs', () => {
  const vae = new Vae({ dataDim: 6, hidden: [4], latentDim: 2 }, Key.fromSeed(1));

  it.each([0, -1, 0.5])(
    'evaluateElbo and evaluateIwae refuse batch = %s',
    async (batch) => {
      expect(() => evaluateElbo(vae, images, Key.fromSeed(2), 4, batch)).toThrow(/batch/);
      await expect(evaluateIwae(vae, images, Key.fromSeed(2), 5, 4, batch)).rejects.toThrow(
        /batch/,
      );
    },
    2_000,
  );

  it('evaluateIwae refuses k = 0 and evaluateElbo a count of 0', async () => {
    await expect(evaluateIwae(vae, images, Key.fromSeed(2), 0)).rejects.toThrow(
      /importance samples k/,
    );
    expect(() => evaluateElbo(vae, images, Key.fromSeed(2), 0)).toThrow(/count/);
  }, 2_000);

  it('diagnose refuses chunk = 0', () => {
    const model = new LatentVae(
      new FactorizedDecoder(2, 6, [4], Key.fromSeed(3)),
      [4],
      Key.fromSeed(4),
    );
    const x = tf.ones([3, 6]) as tf.Tensor2D;
    expect(() => diagnose(model, x, Key.fromSeed(5), { chunk: 0 })).toThrow(/chunk/);
    x.dispose();
    model.dispose();
  }, 2_000);

  it.each([
    [6, 0],
    [6, -0.1],
    [0, 0.1],
    [1, 2],
  ])(
    'gridLogNormalizer refuses range %s, step %s',
    (range, h) => {
      expect(() =>
        gridLogNormalizer((z) => tf.zeros([z.shape[0]]) as tf.Tensor1D, range, h),
      ).toThrow(ParameterError);
    },
    2_000,
  );

  it.each([0, 21, 31, 2.5])(
    'the latent grid refuses %s bits before allocating',
    (bits) => {
      expect(() => priorBuckets(bits)).toThrow(/latent bits/);
      expect(() => vaeCoder(vae, { latentBits: bits })).toThrow(/latent bits/);
    },
    2_000,
  );
});

describe('option strings are checked', () => {
  it('an unknown activation or psychometric core is named, with the allowed values', async () => {
    const { fitPsychometric } = await import('../../lib/psychometrics');
    expect(() => new Vae({ dataDim: 6, hidden: [4], latentDim: 2, activation: 'gelu' as never }, Key.fromSeed(1)))
      .toThrow(/activation 'gelu' is not one of relu, tanh, sigmoid, softplus, linear/);
    const data = [{ stimulus: 0, right: 5, total: 10 }, { stimulus: 1, right: 8, total: 10 }];
    expect(() => fitPsychometric(data, Key.fromSeed(2), { core: 'probit' as never })).toThrow(/core 'probit' is not one of normal, logistic, weibull/);
  });
});
