// The VAE of lecture 1 as a lossless compressor of binary images via BB-ANS: latent buckets of
// equal prior mass, a quantized Gaussian posterior from the encoder, Bernoulli pixels from the decoder.
import * as tf from '../core/tf';
import { ParameterError } from '../core/errors';
import type { Vae } from '../vae/vae';
import { bbAns } from './bbans';
import { Codec, bernoulli, repeat, serial } from './codecs';
import { bucketPosterior, bucketPrior, priorBuckets } from './gaussian';

export interface VaeCodecOptions {
  /** Buckets per latent dimension: 2^latentBits. */
  latentBits: number;
  /** Precision of the posterior's quantized CDF. */
  posteriorPrecision: number;
  /** Precision of each pixel's Bernoulli probability. */
  pixelPrecision: number;
}

export function defaultVaeCodecOptions(): VaeCodecOptions {
  return { latentBits: 12, posteriorPrecision: 24, pixelPrecision: 16 };
}

/** p(x|z): Bernoulli pixels from the decoder at the bucket centres of z (one image, batch 1). */
export function vaeLikelihoodCodec(vae: Vae, z: number[], options: Partial<VaeCodecOptions> = {}): Codec<number[]> {
  const o = { ...defaultVaeCodecOptions(), ...options };
  const buckets = priorBuckets(o.latentBits);
  const out = tf.tidy(() => vae.decoder.apply(tf.tensor2d([z.map((i) => buckets.centres[i])])));
  const logits = out.dataSync();
  out.dispose();
  const codecs: Codec<number>[] = new Array(vae.config.dataDim);
  for (let i = 0; i < codecs.length; i++) codecs[i] = bernoulli(1 / (1 + Math.exp(-logits[i])), o.pixelPrecision);
  return serial(codecs);
}

/** q(z|x): the encoder's Gaussian over the buckets of each latent dimension (one image, batch 1). */
export function vaePosteriorCodec(vae: Vae, x: number[], options: Partial<VaeCodecOptions> = {}): Codec<number[]> {
  const o = { ...defaultVaeCodecOptions(), ...options };
  const { dataDim, latentDim } = vae.config;
  if (x.length !== dataDim || x.some((v) => v !== 0 && v !== 1)) {
    throw new ParameterError(`an image to code must be ${dataDim} values of 0 or 1`, 'binarize the image first (binarizedTestSet)');
  }
  const buckets = priorBuckets(o.latentBits);
  const input = tf.tensor2d([x]);
  const q = vae.encode(input);
  const mu = q.loc.dataSync();
  const sigma = q.scale.dataSync();
  tf.dispose([input, q.loc, q.scale]);
  return serial(Array.from({ length: latentDim }, (_, j) => bucketPosterior(mu[j], sigma[j], buckets, o.posteriorPrecision)));
}

/** p(z): uniform over the equal-mass buckets of every latent dimension. */
export function vaePriorCodec(vae: Vae, options: Partial<VaeCodecOptions> = {}): Codec<number[]> {
  const o = { ...defaultVaeCodecOptions(), ...options };
  return repeat(bucketPrior(o.latentBits), vae.config.latentDim);
}

/**
 * BB-ANS codec for binary images (arrays of 0/1 of length dataDim). The networks run one image at
 * a time, so encoder and decoder evaluate exactly the same float operations.
 */
export function vaeBbAnsCodec(vae: Vae, options: Partial<VaeCodecOptions> = {}): Codec<number[]> {
  return bbAns<number[], number[]>({
    prior: vaePriorCodec(vae, options),
    likelihood: (z) => vaeLikelihoodCodec(vae, z, options),
    posterior: (x) => vaePosteriorCodec(vae, x, options),
  });
}
