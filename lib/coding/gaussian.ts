// A latent Gaussian variable coded by bucketing: the real line is cut into 2^bits buckets of equal
// mass under the prior N(0, 1), so the prior codec is uniform over buckets, and a posterior
// N(mu, sigma^2) gives each bucket the mass between its edges. Bucket i stands for the prior
// quantile at (i + 1/2) / 2^bits.
import { ParameterError, checkInt, checkNumber } from '../core/errors';
import { normalCdf, normalQuantile } from '../core/special';

export { normalCdf, normalQuantile };
import { Codec, uniform } from './codecs';
import { CodingError, Message } from './message';
import { MAX_PRECISION, peek, popInterval, pushInterval, searchCdf } from './rans';

export interface Buckets {
  bits: number;
  /** 2^bits + 1 edges, from -Infinity to +Infinity. */
  edges: Float64Array;
  /** 2^bits representative values (prior quantiles at bucket centres). */
  centres: Float64Array;
}

const bucketCache = new Map<number, Buckets>();

/** The finest latent grid the codec builds: 2^20 buckets per dimension (16 MB of edges). */
export const MAX_LATENT_BITS = 20;

/** 2^bits edges are allocated for a grid: refuses sizes that would take minutes and gigabytes. */
export function checkLatentBits(bits: number): void {
  checkNumber('latent bits', bits, (v) => Number.isInteger(v) && v >= 1 && v <= MAX_LATENT_BITS,
    `an integer from 1 to ${MAX_LATENT_BITS} (2^${MAX_LATENT_BITS} buckets per dimension)`);
}

/** Buckets of equal mass under N(0, 1). */
export function priorBuckets(bits: number): Buckets {
  checkLatentBits(bits);
  const cached = bucketCache.get(bits);
  if (cached) return cached;
  const k = 2 ** bits;
  const edges = new Float64Array(k + 1);
  const centres = new Float64Array(k);
  for (let i = 0; i <= k; i++) edges[i] = normalQuantile(i / k);
  for (let i = 0; i < k; i++) centres[i] = normalQuantile((i + 0.5) / k);
  const b = { bits, edges, centres };
  bucketCache.set(bits, b);
  return b;
}

/** The prior codec: uniform over the 2^bits buckets. */
export function bucketPrior(bits: number): Codec<number> {
  checkLatentBits(bits);
  return uniform(bits);
}

/** Named errors for a posterior that is not a proper Gaussian, or a precision that cannot hold the buckets. */
export function checkPosterior(mu: number, sigma: number, buckets: Buckets, precision: number): void {
  if (!Number.isFinite(mu) || !(sigma > 0) || !Number.isFinite(sigma)) {
    throw new ParameterError(`posterior N(${mu}, ${sigma}^2) is not a proper Gaussian`, 'pass a finite mean and a positive finite scale');
  }
  const k = buckets.centres.length;
  if (precision > MAX_PRECISION || 2 ** precision <= k) {
    throw new CodingError(`precision ${precision} cannot hold ${k} buckets`, `use bits < precision <= ${MAX_PRECISION}`);
  }
}

/** The quantized CDF that bucketPosterior codes with: cdf(i) for bucket edges i = 0..2^bits (arguments unchecked). */
export function posteriorCdf(mu: number, sigma: number, buckets: Buckets, precision: number): (i: number) => number {
  const k = buckets.centres.length;
  const spread = 2 ** precision - k;
  return (i: number) => (i === 0 ? 0 : i === k ? 2 ** precision : Math.floor(normalCdf((buckets.edges[i] - mu) / sigma) * spread) + i);
}

/**
 * The codec of a bucket index under N(mu, sigma^2), quantized to 2^precision so that every bucket
 * keeps frequency at least 1: cdf(i) = floor(Phi((edge_i - mu)/sigma) * (2^precision - K)) + i.
 */
export function bucketPosterior(mu: number, sigma: number, buckets: Buckets, precision: number): Codec<number> {
  checkPosterior(mu, sigma, buckets, precision);
  const k = buckets.centres.length;
  const cdf = posteriorCdf(mu, sigma, buckets, precision);
  return {
    push(m: Message, i: number) {
      if (!(Number.isInteger(i) && i >= 0 && i < k)) throw new CodingError(`bucket ${i} is outside 0..${k - 1}`, 'pass a bucket index');
      const start = cdf(i);
      return pushInterval(m, start, cdf(i + 1) - start, precision);
    },
    pop(m: Message): [Message, number] {
      const i = searchCdf(cdf, k, peek(m, precision));
      const start = cdf(i);
      return [popInterval(m, start, cdf(i + 1) - start, precision), i];
    },
  };
}
