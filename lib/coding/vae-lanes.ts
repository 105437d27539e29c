// BB-ANS with a VAE on several lanes: independent rANS messages side by side, image b of each batch
// coded on lane b. The networks run once per batch for all lanes (ExactVae's batch methods, the same
// numbers as one image at a time), and pixels go straight onto the message as intervals instead of
// through a codec object per pixel. Each lane's message is, bit for bit, what the one-lane teaching
// codec (vaeCoder(...).codec) makes of the images on that lane: this is its speed twin.
import { ParameterError, checkInt } from '../core/errors';
import { Key } from '../core/random';
import { Codec, quantizedOne, serial } from './codecs';
import { Buckets, bucketPosterior, checkPosterior, posteriorCdf, priorBuckets } from './gaussian';
import { CodingError, HEAD_MIN, Message, Tail, WORD, messageBits, pushWord, randomMessage, tailReader, tailWords } from './message';
import { peek, popInterval, searchCdf } from './rans';
import { VaeCoder } from './vae-codec';

export interface VaeLanes {
  readonly lanes: number;
  /** The one-lane coder's descriptor with the lane count: a stream names both. */
  readonly descriptor: string;
  /** Pushes up to `lanes` images, image b onto lane b. */
  push(ms: Message[], xs: number[][]): Message[];
  /** Pops the `count` images of the batch pushed last, lane b's as image b. */
  pop(ms: Message[], count: number): [Message[], number[][]];
  /** Pushes all images, `lanes` at a time. */
  encode(ms: Message[], images: number[][]): Message[];
  /** Pops the `n` images `encode` pushed, in their order. */
  decode(ms: Message[], n: number): [Message[], number[][]];
}

/** `lanes` messages of `words` random initial words each, lane b from key.foldIn(b). */
export function randomLanes(key: Key, lanes: number, words: number): Message[] {
  checkInt('lanes', lanes, 1);
  return Array.from({ length: lanes }, (_, b) => randomMessage(key.foldIn(b), words));
}

/** The lanes' length in bits, as packLanes stores them: lane 0 whole, each other lane with its head and a 32-bit word count, and a 16-bit lane count. */
export function lanesBits(ms: Message[]): number {
  return messageBits(packLanes(ms));
}

/**
 * The numbers read back from a Float64Array. With 2 ** precision held as a small integer, V8 compiled
 * the pixel loops' arithmetic on the head for integers and ran them about seven times slower
 * (62 against 8.4 us for 784 pixels); read from a Float64Array they are doubles to the compiler too.
 */
function doubles(...values: number[]): Float64Array {
  return Float64Array.from(values);
}

/** P(pixel = 1) quantized as `bernoulliFrequency` does, out of `total`, from the decoder's logit. */
function frequencyOfOne(logit: number, total: number): number {
  const p = 1 / (1 + Math.exp(-logit));
  if (!(p >= 0 && p <= 1)) throw new ParameterError(`Bernoulli probability ${p} is outside [0, 1]`, 'the decoder gave a logit that is not a number: check the model\'s weights');
  return quantizedOne(p, total);
}

/**
 * Pushes image x's pixels with Bernoulli(sigmoid(logit)) each, last pixel first, as serial(bernoulli(...))
 * does, with rANS's push (pushInterval) written out so that the head stays a local number.
 */
function pushPixels(m: Message, x: number[], logits: Float64Array, precision: number): Message {
  const [total, renorm] = doubles(2 ** precision, 2 ** (48 - precision));
  let head = m.head;
  let tail = m.tail;
  for (let j = x.length - 1; j >= 0; j--) {
    const one = frequencyOfOne(logits[j], total);
    const start = x[j] === 1 ? total - one : 0;
    const freq = x[j] === 1 ? one : total - one;
    if (freq === 0) throw new CodingError(`pixel ${j} is ${x[j]} where the model gives it probability zero`, 'a model that codes this image must give every pixel value that occurs a positive probability');
    while (head >= renorm * freq) {
      const upper = Math.floor(head / WORD);
      tail = pushWord(tail, head - upper * WORD);
      head = upper;
    }
    // the quotient is below 2^(48 - precision), so the division rounds to the right integer, and
    // head - q * freq is head % freq without the slower floating-point remainder
    const q = Math.floor(head / freq);
    head = q * total + (head - q * freq) + start;
  }
  return { head, tail };
}

/** Pops the pixels pushPixels pushed, first pixel first, with rANS's pop (popInterval) written out. */
function popPixels(m: Message, logits: Float64Array, precision: number): [Message, number[]] {
  const [total] = doubles(2 ** precision);
  let head = m.head;
  let tail = m.tail;
  const x = new Array<number>(logits.length);
  for (let j = 0; j < logits.length; j++) {
    const zero = total - frequencyOfOne(logits[j], total);
    const upper = Math.floor(head / total);
    const cf = head - upper * total;
    x[j] = cf >= zero ? 1 : 0;
    const start = x[j] === 1 ? zero : 0;
    const freq = x[j] === 1 ? total - zero : zero;
    head = freq * upper + cf - start;
    while (head < HEAD_MIN) {
      if (tail === null) throw new CodingError('the message ran out of bits while decoding', 'the stream is truncated or corrupt, or the decoder does not match the encoder');
      head = head * WORD + tail.word;
      tail = tail.next;
    }
  }
  return [{ head, tail }, x];
}

/**
 * Pops one latent's bucket as bucketPosterior(mu, sigma, buckets, precision).pop does, finding the same
 * bucket with fewer CDF evaluations: a first guess from the prior's own edges (the bucket holding
 * mu + sigma t, t the prior edge at the popped value's share of the total), then steps to the bucket
 * whose interval holds it; a binary search if the guess is far off.
 */
export function popBucket(m: Message, cdf: (i: number) => number, mu: number, sigma: number, buckets: Buckets, precision: number): [Message, number] {
  const k = buckets.centres.length;
  const cf = peek(m, precision);
  const t = buckets.edges[Math.min(k - 1, Math.max(1, Math.round((cf / 2 ** precision) * k)))];
  let i = edgeBelow(buckets.edges, mu + sigma * t);
  for (let steps = 0; ; steps++) {
    if (steps > 8) { i = searchCdf(cdf, k, cf); break; }
    if (cdf(i) > cf) i--;
    else if (i + 1 < k && cdf(i + 1) <= cf) i++;
    else break;
  }
  const start = cdf(i);
  return [popInterval(m, start, cdf(i + 1) - start, precision), i];
}

/** The bucket i (0..2^bits - 1) with edges[i] <= v < edges[i + 1], by binary search on the edges. */
function edgeBelow(edges: Float64Array, v: number): number {
  let lo = 0;
  let hi = edges.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (edges[mid] <= v) lo = mid; else hi = mid - 1;
  }
  return lo;
}

/** The laned twin of `coder.codec` on `lanes` lanes. */
export function vaeLanes(coder: VaeCoder, lanes: number): VaeLanes {
  checkInt('lanes', lanes, 1);
  if (lanes >= WORD) throw new ParameterError(`${lanes} lanes do not fit the stream's 16-bit lane count`, `use fewer than ${WORD} lanes`);
  const { networks, options: o, prior } = coder;
  const { dataDim, latentDim } = networks;
  const buckets = priorBuckets(o.latentBits);
  const posterior = (q: { mu: Float64Array; sigma: Float64Array }): Codec<number[]> =>
    serial(Array.from({ length: latentDim }, (_, j) => bucketPosterior(q.mu[j], q.sigma[j], buckets, o.posteriorPrecision)));
  // the posterior's pop, dimension by dimension as serial pops them, with popBucket's faster search
  const popLatents = (m: Message, q: { mu: Float64Array; sigma: Float64Array }): [Message, number[]] => {
    const z = new Array<number>(latentDim);
    for (let j = 0; j < latentDim; j++) {
      checkPosterior(q.mu[j], q.sigma[j], buckets, o.posteriorPrecision);
      [m, z[j]] = popBucket(m, posteriorCdf(q.mu[j], q.sigma[j], buckets, o.posteriorPrecision), q.mu[j], q.sigma[j], buckets, o.posteriorPrecision);
    }
    return [m, z];
  };
  const centres = (z: number[]) => z.map((i) => buckets.centres[i]);
  const checkBatch = (ms: Message[], count: number) => {
    if (ms.length !== lanes) throw new ParameterError(`the coder has ${lanes} lanes, got ${ms.length} messages`, `start from randomLanes(key, ${lanes}, words)`);
    if (!(Number.isInteger(count) && count >= 1 && count <= lanes)) throw new ParameterError(`a batch holds 1 to ${lanes} images, got ${count}`, 'code at most one image per lane at a time');
  };
  const push = (ms: Message[], xs: number[][]): Message[] => {
    checkBatch(ms, xs.length);
    for (const x of xs) {
      if (x.length !== dataDim || x.some((v) => v !== 0 && v !== 1)) {
        throw new ParameterError(`an image to code must be ${dataDim} values of 0 or 1`, 'binarize the image first (binarizedTestSet)');
      }
    }
    const out = [...ms];
    const qs = networks.encodeBatch(xs);
    const zs = xs.map((_, b) => {
      const [m, z] = popLatents(out[b], qs[b]);
      out[b] = m;
      return z;
    });
    const logits = networks.decodeLogitsBatch(zs.map(centres));
    xs.forEach((x, b) => { out[b] = prior.push(pushPixels(out[b], x, logits[b], o.pixelPrecision), zs[b]); });
    return out;
  };
  const pop = (ms: Message[], count: number): [Message[], number[][]] => {
    checkBatch(ms, count);
    const out = [...ms];
    const zs = Array.from({ length: count }, (_, b) => {
      const [m, z] = prior.pop(out[b]);
      out[b] = m;
      return z;
    });
    const logits = networks.decodeLogitsBatch(zs.map(centres));
    const xs = zs.map((_, b) => {
      const [m, x] = popPixels(out[b], logits[b], o.pixelPrecision);
      out[b] = m;
      return x;
    });
    const qs = networks.encodeBatch(xs);
    zs.forEach((z, b) => { out[b] = posterior(qs[b]).push(out[b], z); });
    return [out, xs];
  };
  return {
    lanes,
    descriptor: `${coder.descriptor} lanes=${lanes}`,
    push,
    pop,
    encode(ms, images) {
      for (let i = 0; i < images.length; i += lanes) ms = push(ms, images.slice(i, i + lanes));
      return ms;
    },
    decode(ms, n) {
      checkInt('n', n, 0);
      const batches: number[][][] = [];
      for (let start = Math.floor((n - 1) / lanes) * lanes; start >= 0 && n > 0; start -= lanes) {
        const [next, xs] = pop(ms, Math.min(lanes, n - start));
        ms = next;
        batches.unshift(xs);
      }
      return [ms, batches.flat()];
    },
  };
}

/**
 * The lanes as one message, for serializeMessage: lane 0 as it is, and on its tail, for each other
 * lane, its words, its head (three words) and its word count (two words), then the lane count.
 */
export function packLanes(ms: Message[]): Message {
  if (ms.length < 1 || ms.length >= WORD) throw new ParameterError(`cannot pack ${ms.length} lanes`, `pack 1 to ${WORD - 1} lanes`);
  let tail = ms[0].tail;
  for (let b = ms.length - 1; b >= 1; b--) {
    const words = tailWords(ms[b].tail);
    for (let i = words.length - 1; i >= 0; i--) tail = pushWord(tail, words[i]);
    const head = ms[b].head;
    for (const w of [head % WORD, Math.floor(head / WORD) % WORD, Math.floor(head / WORD ** 2)]) tail = pushWord(tail, w);
    tail = pushWord(pushWord(tail, words.length % WORD), Math.floor(words.length / WORD));
  }
  return { head: ms[0].head, tail: pushWord(tail, ms.length) };
}

/** The lanes packLanes packed; a CodingError if the message holds a different number of lanes or too few words. */
export function unpackLanes(m: Message, lanes: number): Message[] {
  const { take, rest } = tailReader(m.tail, 'the laned stream');
  const count = take();
  if (count !== lanes) throw new CodingError(`the stream holds ${count} lanes, the decoder has ${lanes}`, `decode with vaeLanes(coder, ${count})`);
  const others: Message[] = [];
  for (let b = 1; b < count; b++) {
    const n = take() * WORD + take();
    const head = take() * WORD ** 2 + take() * WORD + take();
    if (head < HEAD_MIN) throw new CodingError(`lane ${b}'s head ${head} is out of range`, 'the stream is corrupt');
    const words = Array.from({ length: n }, take);
    let laneTail: Tail | null = null;
    for (let i = words.length - 1; i >= 0; i--) laneTail = pushWord(laneTail, words[i]);
    others.push({ head, tail: laneTail });
  }
  return [{ head: m.head, tail: rest() }, ...others];
}
