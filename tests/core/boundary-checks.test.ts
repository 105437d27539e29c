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

describe('shapes, counts and ranges are checked', () => {
  it('a drift of the wrong shape is refused instead of broadcast over the state', async () => {
    const { eulerMaruyama } = await import('../../lib/sde');
    const x0 = tf.zeros([5, 2]) as tf.Tensor2D;
    expect(() => eulerMaruyama(Key.fromSeed(1), x0, (x) => tf.zeros([x.shape[0], 1]) as tf.Tensor2D, { dt: 0.1, steps: 3 }))
      .toThrow(/the drift has shape \[5, 1\]/);
    x0.dispose();
  });

  it('exactElbo refuses a posterior of the wrong dimension', async () => {
    const { exactElbo } = await import('../../lib/models');
    const model = { W: [[1, 0], [0, 1], [1, 1]], b: [0, 0, 0], noiseVariance: 0.5 };
    expect(() => exactElbo(model, [1, 2, 3], { mean: [0], cov: [[1]] })).toThrow(/q.mean/);
    expect(() => exactElbo(model, [1, 2, 3], { mean: [0, 0], cov: [[1, 0]] })).toThrow(/not a 2 x 2 matrix/);
    expect(Number.isFinite(exactElbo(model, [1, 2, 3], { mean: [0, 0], cov: [[1, 0], [0, 1]] }))).toBe(true);
  });

  it('decodeCodes refuses codes outside the codebook and incomplete images', async () => {
    const { VqVae } = await import('../../lib/vq');
    const model = new VqVae({ dataDim: 6, hidden: [4], positions: 2, codebookSize: 8, codeDim: 2 }, Key.fromSeed(1));
    expect(() => model.decodeCodes(Int32Array.from([0, 8]))).toThrow(/code 1 is 8, outside 0..7/);
    expect(() => model.decodeCodes(Int32Array.from([0, -1]))).toThrow(/code 1 is -1/);
    expect(() => model.decodeCodes(Int32Array.from([0, 1, 2]))).toThrow(/3 codes are not whole images of 2 positions/);
    const ok = model.decodeCodes(Int32Array.from([0, 7]));
    expect(ok.shape).toEqual([1, 6]);
    ok.dispose();
    model.dispose();
  });

  it('random draws refuse fractional counts and empty or non-finite ranges', async () => {
    const { uniform } = await import('../../lib/core/random');
    const key = Key.fromSeed(3);
    for (const draw of [(n: number) => key.uniforms(n), (n: number) => key.normals(n), (n: number) => key.streamUniforms(n)]) {
      expect(() => draw(2.5)).toThrow(/n = 2.5/);
      expect(() => draw(-1)).toThrow(/n = -1/);
      expect(draw(0).length).toBe(0);
    }
    expect(() => uniform(key, [2], NaN, 1)).toThrow(/lo = NaN/);
    expect(() => uniform(key, [2], 1, 1)).toThrow(/hi = 1/);
    expect(() => uniform(key, [2], 0, Infinity)).toThrow(/hi = Infinity/);
  });
});

describe('a Bernoulli likelihood is given binary pixels', () => {
  it('the ELBO and IWAE of grey or 0-255 images are refused, naming the fix', () => {
    const vae = new Vae({ dataDim: 6, hidden: [4], latentDim: 2 }, Key.fromSeed(1));
    const grey = tf.tensor2d([[0, 0.5, 1, 1, 0, 0]]);
    const raw = tf.tensor2d([[0, 255, 255, 0, 0, 0]]);
    for (const x of [grey, raw]) {
      expect(() => vae.elbo(x, Key.fromSeed(2))).toThrow(/neither 0 nor 1.*binarize the images first/);
      expect(() => vae.iwae(x, Key.fromSeed(2), 4)).toThrow(/neither 0 nor 1/);
    }
    const binary = tf.tensor2d([[0, 1, 1, 0, 0, 1]]);
    const elbo = vae.elbo(binary, Key.fromSeed(2));
    expect(Number.isFinite(elbo.dataSync()[0])).toBe(true);
    tf.dispose([grey, raw, binary, elbo]);
    vae.dispose();
  });
});
