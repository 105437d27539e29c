// Range asymmetric numeral systems (rANS, Duda 2013) with exact integer arithmetic.
// A symbol with cumulative frequency `start` and frequency `freq` out of 2^precision is pushed by
//   renormalise: while head >= 2^(48 - precision) * freq, move head's low 16 bits to the tail
//   encode:      head <- floor(head / freq) * 2^precision + (head mod freq) + start
// and popped by inverting both steps. Every quantity stays an integer below 2^53, so the doubles
// of JavaScript represent it exactly: there is no rounding on the coding path.
import { checkInt } from '../core/errors';
import { CodingError, HEAD_MIN, Message, WORD, pushWord } from './message';

/** Precision of quantized probabilities, up to 2^-24 (the head keeps 2^32 <= head < 2^48). */
export const MAX_PRECISION = 24;

function checkPrecision(precision: number): void {
  checkInt('precision', precision, 1);
  if (precision > MAX_PRECISION) {
    throw new CodingError(`precision ${precision} exceeds ${MAX_PRECISION} bits`, `quantize probabilities to at most ${MAX_PRECISION} bits`);
  }
}

/** Pushes the interval [start, start + freq) of 2^precision onto the message. */
export function pushInterval(m: Message, start: number, freq: number, precision: number): Message {
  checkPrecision(precision);
  if (!(Number.isInteger(freq) && freq >= 1)) {
    throw new CodingError(`a symbol with frequency ${freq} cannot be coded (its probability is zero)`,
      'give every symbol that can occur a non-zero probability');
  }
  if (!(Number.isInteger(start) && start >= 0 && start + freq <= 2 ** precision)) {
    throw new CodingError(`interval [${start}, ${start + freq}) is outside [0, 2^${precision})`, 'build intervals from a quantized CDF that sums to 2^precision');
  }
  let head = m.head;
  let tail = m.tail;
  const headMax = 2 ** (48 - precision) * freq;
  while (head >= headMax) {
    tail = pushWord(tail, head % WORD);
    head = Math.floor(head / WORD);
  }
  head = Math.floor(head / freq) * 2 ** precision + (head % freq) + start;
  return { head, tail };
}

/** The cumulative frequency at the top of the message: the decoder looks up its symbol from it. */
export function peek(m: Message, precision: number): number {
  return m.head % 2 ** precision;
}

/** Removes the interval [start, start + freq) that `peek` pointed into. */
export function popInterval(m: Message, start: number, freq: number, precision: number): Message {
  const cf = m.head % 2 ** precision;
  if (!(cf >= start && cf < start + freq)) {
    throw new CodingError(`interval [${start}, ${start + freq}) does not contain the peeked value ${cf}`, 'pop the symbol whose interval contains peek(m)');
  }
  let head = freq * Math.floor(m.head / 2 ** precision) + cf - start;
  let tail = m.tail;
  while (head < HEAD_MIN) {
    if (tail === null) {
      throw new CodingError('the message ran out of bits while decoding', 'the stream is truncated or corrupt, or the decoder does not match the encoder (or start from randomMessage with more initial words)');
    }
    head = head * WORD + tail.word;
    tail = tail.next;
  }
  return { head, tail };
}

/** The symbol k in 0..n-1 whose interval [cdf(k), cdf(k + 1)) holds cf, by binary search (cdf nondecreasing, cdf(0) = 0). */
export function searchCdf(cdf: (k: number) => number, n: number, cf: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) { // largest k with cdf(k) <= cf
    const mid = (lo + hi + 1) >> 1;
    if (cdf(mid) <= cf) lo = mid; else hi = mid - 1;
  }
  return lo;
}
