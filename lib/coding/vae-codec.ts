// The VAE of lecture 1 as a lossless compressor of binary images via BB-ANS: latent buckets of
// equal prior mass, a quantized Gaussian posterior from the encoder, Bernoulli pixels from the
// decoder. The networks run in float64 (exact-networks.ts), so a stream decodes on any backend and
// machine; the coder's descriptor, written into the stream's header, names everything a decoder
// must share with the encoder.
import { ParameterError, checkInt } from '../core/errors';
import type { Vae } from '../vae/vae';
import { bbAns } from './bbans';
import { Codec, bernoulli, repeat, serial } from './codecs';
import { ExactVae } from './exact-networks';
import { bucketPosterior, bucketPrior, checkLatentBits, priorBuckets } from './gaussian';
import { MAX_PRECISION } from './rans';

export interface VaeCodecOptions {
  /** Buckets per latent dimension: 2^latentBits. */
  latentBits: number;
  /** Precision of the posterior's quantized CDF. */
  posteriorPrecision: number;
  /** Precision of each pixel's Bernoulli probability. */
  pixelPrecision: number;
}

/**
 * 2^10 buckets per latent with a 24-bit posterior: on lecture 7's VAE the coder then pays no
 * measurable rate over the negative ELBO, where 12 and 14 latent bits pay about 0.1% and 0.5% (a
 * posterior coded too coarsely for its grid; lecture 7's grid table measures it).
 */
export function defaultVaeCodecOptions(): VaeCodecOptions {
  return { latentBits: 10, posteriorPrecision: 24, pixelPrecision: 16 };
}

/** The numeric path of the networks, part of the descriptor: a change to it changes the codes. */
export const VAE_CODER_NUMERICS = 'float64-js/1';

function checkOptions(options: Partial<VaeCodecOptions>): VaeCodecOptions {
  const known = Object.keys(defaultVaeCodecOptions());
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) throw new ParameterError(`'${name}' is not a codec option`, `the options are ${known.join(', ')}`);
  }
  const o = { ...defaultVaeCodecOptions(), ...options };
  checkLatentBits(o.latentBits);
  checkInt('pixelPrecision', o.pixelPrecision, 2);
  checkInt('posteriorPrecision', o.posteriorPrecision, o.latentBits + 1);
  for (const name of ['pixelPrecision', 'posteriorPrecision'] as const) {
    if (o[name] > MAX_PRECISION) throw new ParameterError(`${name} ${o[name]} exceeds ${MAX_PRECISION} bits`, `use at most ${MAX_PRECISION}`);
  }
  return o;
}

/** The parts of BB-ANS with a VAE, and the string that names this exact coder. */
export interface VaeCoder {
  readonly options: VaeCodecOptions;
  readonly networks: ExactVae;
  /** For example 'bb-ans-vae numerics=float64-js/1 latentBits=10 ... weights=1a2b3c4d'. */
  readonly descriptor: string;
  /** p(z): uniform over the equal-mass buckets of every latent dimension. */
  readonly prior: Codec<number[]>;
  /** q(z|x): the encoder's Gaussian over the buckets of each latent dimension. */
  posterior(x: number[]): Codec<number[]>;
  /** p(x|z): Bernoulli pixels from the decoder at the bucket centres of z. */
  likelihood(z: number[]): Codec<number[]>;
  /** BB-ANS for binary images (arrays of 0/1 of length dataDim). */
  readonly codec: Codec<number[]>;
}

/** A coder for `vae` with its weights as they are now (train first, then build the coder). */
export function vaeCoder(vae: Vae, options: Partial<VaeCodecOptions> = {}): VaeCoder {
  const o = checkOptions(options);
  const networks = new ExactVae(vae);
  const { dataDim, latentDim } = networks;
  const buckets = priorBuckets(o.latentBits);
  const descriptor = ['bb-ans-vae', `numerics=${VAE_CODER_NUMERICS}`, `dataDim=${dataDim}`, `latentDim=${latentDim}`,
    ...Object.entries(o).map(([k, v]) => `${k}=${v}`), `weights=${networks.fingerprint}`].join(' ');
  const prior = repeat(bucketPrior(o.latentBits), latentDim);
  const posterior = (x: number[]) => {
    if (x.length !== dataDim || x.some((v) => v !== 0 && v !== 1)) {
      throw new ParameterError(`an image to code must be ${dataDim} values of 0 or 1`, 'binarize the image first (binarizedTestSet)');
    }
    const { mu, sigma } = networks.encode(x);
    return serial(Array.from({ length: latentDim }, (_, j) => bucketPosterior(mu[j], sigma[j], buckets, o.posteriorPrecision)));
  };
  const likelihood = (z: number[]) => {
    const logits = networks.decodeLogits(z.map((i) => buckets.centres[i]));
    return serial(Array.from(logits, (l) => bernoulli(1 / (1 + Math.exp(-l)), o.pixelPrecision)));
  };
  return { options: o, networks, descriptor, prior, posterior, likelihood, codec: bbAns({ prior, likelihood, posterior }) };
}
