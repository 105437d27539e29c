// Codecs in the style of craystack: a codec is a pure pair {push, pop} on an immutable message,
// and pop(push(m, x)) returns exactly (m, x). Combinators build larger codecs from smaller ones.
import { ParameterError, checkInt } from '../core/errors';
import { CodingError, Message, WORD, pushWord, messageBits, tailReader, tailWords } from './message';
import { MAX_PRECISION, peek, popInterval, pushInterval, searchCdf } from './rans';

export interface Codec<T> {
  push(m: Message, x: T): Message;
  pop(m: Message): [Message, T];
}

/** Uniform over 0..2^precision - 1 (exactly `precision` bits per symbol). */
export function uniform(precision: number): Codec<number> {
  checkInt('precision', precision, 1);
  if (precision > MAX_PRECISION) throw new CodingError(`precision ${precision} exceeds ${MAX_PRECISION} bits`, `use at most ${MAX_PRECISION} bits`);
  const n = 2 ** precision;
  return {
    push(m, x) {
      if (!(Number.isInteger(x) && x >= 0 && x < n)) throw new CodingError(`symbol ${x} is outside 0..${n - 1}`, `code integers in 0..${n - 1}`);
      return pushInterval(m, x, 1, precision);
    },
    pop(m) {
      const x = peek(m, precision);
      return [popInterval(m, x, 1, precision), x];
    },
  };
}

/**
 * Integer frequencies summing to 2^precision from probabilities (normalised here): every symbol
 * with positive probability gets at least 1, a symbol of probability exactly 0 gets 0.
 */
export function quantizeProbabilities(probs: ArrayLike<number>, precision: number): Int32Array {
  checkInt('precision', precision, 1);
  const total = 2 ** precision;
  let sum = 0;
  let positive = 0;
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i];
    if (!(p >= 0 && Number.isFinite(p))) throw new ParameterError(`probability ${i} is ${p}`, 'pass finite non-negative probabilities');
    sum += p;
    if (p > 0) positive++;
  }
  if (positive === 0) throw new ParameterError('all probabilities are zero', 'give at least one symbol a positive probability');
  if (positive > total) throw new ParameterError(`${positive} symbols do not fit into 2^${precision} frequencies`, 'raise the precision');
  const freqs = new Int32Array(probs.length);
  let used = 0;
  let largest = -1;
  for (let i = 0; i < probs.length; i++) {
    if (probs[i] > 0) {
      freqs[i] = 1 + Math.floor((probs[i] / sum) * (total - positive));
      used += freqs[i];
      if (largest < 0 || probs[i] > probs[largest]) largest = i;
    }
  }
  freqs[largest] += total - used; // the rounding remainder goes to the most probable symbol
  return freqs;
}

/** Categorical over 0..K-1 from integer frequencies summing to 2^precision. */
export function categorical(freqs: ArrayLike<number>, precision: number): Codec<number> {
  if (precision > MAX_PRECISION) throw new CodingError(`precision ${precision} exceeds ${MAX_PRECISION} bits`, `use at most ${MAX_PRECISION} bits`);
  const cdf = new Float64Array(freqs.length + 1);
  for (let i = 0; i < freqs.length; i++) {
    if (!(Number.isInteger(freqs[i]) && freqs[i] >= 0)) {
      throw new ParameterError(`frequency ${i} is ${freqs[i]}, not a non-negative integer`, 'build frequencies with quantizeProbabilities');
    }
    cdf[i + 1] = cdf[i] + freqs[i];
  }
  if (cdf[freqs.length] !== 2 ** precision) {
    throw new ParameterError(`frequencies sum to ${cdf[freqs.length]}, not 2^${precision}`, 'build them with quantizeProbabilities');
  }
  return {
    push(m, x) {
      if (!(Number.isInteger(x) && x >= 0 && x < freqs.length)) throw new CodingError(`symbol ${x} is outside 0..${freqs.length - 1}`, 'code a valid class index');
      if (freqs[x] === 0) throw new CodingError(`symbol ${x} has probability zero and cannot be coded`, 'give every symbol that occurs a positive probability');
      return pushInterval(m, cdf[x], freqs[x], precision);
    },
    pop(m) {
      const x = searchCdf((k) => cdf[k], freqs.length, peek(m, precision));
      return [popInterval(m, cdf[x], freqs[x], precision), x];
    },
  };
}

/**
 * Bernoulli with P(x = 1) = p, quantized to 2^precision. Only p exactly 0 or 1 makes a symbol
 * impossible; other probabilities keep both frequencies at least 1.
 */
export function bernoulli(p: number, precision: number): Codec<number> {
  const one = bernoulliFrequency(p, precision);
  return categorical([2 ** precision - one, one], precision);
}

/** The frequency of x = 1 out of 2^precision that `bernoulli` codes with. */
export function bernoulliFrequency(p: number, precision: number): number {
  if (!(p >= 0 && p <= 1)) throw new ParameterError(`Bernoulli probability ${p} is outside [0, 1]`, 'pass a probability in [0, 1]');
  checkInt('precision', precision, 1);
  return quantizedOne(p, 2 ** precision);
}

/** `bernoulliFrequency` without its checks, for a p in [0, 1] and total = 2^precision (the laned coder's pixel loop). */
export function quantizedOne(p: number, total: number): number {
  return p === 0 ? 0 : p === 1 ? total : Math.min(total - 1, Math.max(1, Math.round(p * total)));
}

/** Codes a tuple with one codec per component; the last component is pushed first, so pop returns them in order. */
export function serial<T>(codecs: Codec<T>[]): Codec<T[]> {
  return {
    push(m, xs) {
      if (xs.length !== codecs.length) throw new CodingError(`serial codec of ${codecs.length} parts got ${xs.length} values`, 'pass one value per codec');
      for (let i = codecs.length - 1; i >= 0; i--) m = codecs[i].push(m, xs[i]);
      return m;
    },
    pop(m) {
      const xs: T[] = [];
      for (const c of codecs) {
        const [next, x] = c.pop(m);
        xs.push(x);
        m = next;
      }
      return [m, xs];
    },
  };
}

/** n independent values with the same codec. */
export function repeat<T>(codec: Codec<T>, n: number): Codec<T[]> {
  return serial(Array.from({ length: n }, () => codec));
}

/**
 * Codes x into a message of its own and pushes that message onto the outer one as a
 * length-prefixed block of words, so the inner codec can neither borrow from nor disturb the outer
 * stream (useful for a self-contained record inside a larger stream).
 */
export function substack<T>(codec: Codec<T>, start: () => Message): Codec<T> {
  return {
    push(m, x) {
      const inner = codec.push(start(), x);
      const words = tailWords(inner.tail);
      let tail = m.tail;
      for (let i = words.length - 1; i >= 0; i--) tail = pushWord(tail, words[i]);
      // the inner head (48 bits) as three words, most significant on top
      tail = pushWord(pushWord(pushWord(tail, inner.head % WORD), Math.floor(inner.head / WORD) % WORD), Math.floor(inner.head / WORD ** 2));
      const withHead = { head: m.head, tail };
      // the block length goes on as two 16-bit symbols
      const u = uniform(16);
      return u.push(u.push(withHead, words.length % WORD), Math.floor(words.length / WORD));
    },
    pop(m) {
      const u = uniform(16);
      const [m1, hi] = u.pop(m);
      const [m2, lo] = u.pop(m1);
      const n = hi * WORD + lo;
      const { take, rest } = tailReader(m2.tail, 'a substack block');
      const head = take() * WORD ** 2 + take() * WORD + take();
      let innerTail: ReturnType<typeof pushWord> | null = null;
      const words: number[] = [];
      for (let i = 0; i < n; i++) words.push(take());
      for (let i = words.length - 1; i >= 0; i--) innerTail = pushWord(innerTail, words[i]);
      const [, x] = codec.pop({ head, tail: innerTail });
      return [{ head: m2.head, tail: rest() }, x];
    },
  };
}

/** Bits the codec adds when pushing x onto m. */
export function pushCost<T>(codec: Codec<T>, m: Message, x: T): number {
  return messageBits(codec.push(m, x)) - messageBits(m);
}
