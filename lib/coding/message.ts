// The rANS message: a 48-bit head and an immutable stack of 16-bit words (a persistent linked
// list), so pushing onto a message never changes the message it came from.
import { LectureError, checkInt } from '../core/errors';
import { Key } from '../core/random';

/** Errors of encoding and decoding: corrupt, truncated or foreign streams, impossible symbols. */
export class CodingError extends LectureError {}

/**
 * Lower bound of the head: after every operation head is in [HEAD_MIN, HEAD_MIN * WORD) =
 * [2^32, 2^48), so every product and sum on the coding path stays below 2^53 and is exact in a double.
 */
export const HEAD_MIN = 2 ** 32;
/** The tail holds words of 16 bits. */
export const WORD = 2 ** 16;

export interface Tail {
  readonly word: number;
  readonly next: Tail | null;
  /** Number of words in this tail, this one included. */
  readonly length: number;
}

export interface Message {
  /** Integer in [HEAD_MIN, HEAD_MIN * WORD) = [2^32, 2^48). */
  readonly head: number;
  readonly tail: Tail | null;
}

export function emptyMessage(): Message {
  return { head: HEAD_MIN, tail: null };
}

/**
 * A message carrying `words` random 16-bit words: the "initial bits" that bits-back coding
 * borrows to decode its first latent variable.
 */
export function randomMessage(key: Key, words: number): Message {
  checkInt('words', words, 0);
  const u = key.uniforms(words + 1);
  let tail: Tail | null = null;
  for (let i = 0; i < words; i++) tail = { word: Math.floor(u[i] * WORD), next: tail, length: i + 1 };
  return { head: HEAD_MIN + Math.floor(u[words] * (HEAD_MIN * WORD - HEAD_MIN)), tail };
}

/** Length of the message in bits (48 for the head plus 16 per tail word). */
export function messageBits(m: Message): number {
  return 48 + 16 * (m.tail ? m.tail.length : 0);
}

/**
 * The information the message holds, log2(head) + 16 per tail word: unlike messageBits, which counts
 * the head whole, it grows by exactly what a push codes (up to rANS's rounding, far below a bit).
 */
export function messageInformation(m: Message): number {
  return Math.log2(m.head) + 16 * (m.tail ? m.tail.length : 0);
}

export function pushWord(tail: Tail | null, word: number): Tail {
  return { word, next: tail, length: (tail ? tail.length : 0) + 1 };
}

/** A tail's words, top first. */
export function tailWords(tail: Tail | null): number[] {
  const words: number[] = [];
  for (let t = tail; t; t = t.next) words.push(t.word);
  return words;
}

/**
 * Reads a tail's words from the top: `take` gives the next word, with a CodingError naming `what`
 * when the tail runs out (a truncated or corrupt stream); `rest` is what is left.
 */
export function tailReader(tail: Tail | null, what: string): { take(): number; rest(): Tail | null } {
  return {
    take() {
      if (!tail) throw new CodingError(`${what} is truncated`, 'the stream is corrupt or truncated; pass the complete stream');
      const w = tail.word;
      tail = tail.next;
      return w;
    },
    rest: () => tail,
  };
}
