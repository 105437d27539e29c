import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Key } from '../../lib/core/random';
import {
  Codec, CodingError, Message, bbAns, bernoulli, bucketPosterior, bucketPrior, categorical, deserializeMessage, emptyMessage,
  messageBits, messageInformation, normalCdf, normalQuantile, popInterval, priorBuckets, pushInterval, quantizeProbabilities, randomMessage, repeat,
  serial, serializeMessage, substack, uniform,
} from '../../lib/coding';

function sameMessage(a: Message, b: Message): boolean {
  if (a.head !== b.head) return false;
  let x = a.tail;
  let y = b.tail;
  while (x && y) {
    if (x.word !== y.word) return false;
    x = x.next; y = y.next;
  }
  return x === null && y === null;
}

/** pop(push(m, x)) === (m, x) exactly, for every value in xs pushed in sequence. */
function roundTrip<T>(codec: Codec<T>, start: Message, xs: T[]): Message {
  let m = start;
  for (const x of xs) m = codec.push(m, x);
  const out: T[] = [];
  let back = m;
  for (let i = 0; i < xs.length; i++) {
    const [next, x] = codec.pop(back);
    out.unshift(x);
    back = next;
  }
  expect(out).toEqual(xs);
  expect(sameMessage(back, start)).toBe(true);
  return m;
}

const probsArb = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 40 })
  .filter((p) => p.some((v) => v > 1e-9));

describe('rANS and codecs round-trip exactly (property tests)', () => {
  it('uniform', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 16 }), fc.array(fc.nat(), { maxLength: 200 }), fc.integer({ min: 0, max: 20 }), (p, raw, w) => {
      roundTrip(uniform(p), randomMessage(Key.fromSeed(w), w), raw.map((v) => v % 2 ** p));
    }), { numRuns: 200 });
  });

  it('categorical from a quantized CDF', () => {
    fc.assert(fc.property(probsArb, fc.integer({ min: 8, max: 16 }), fc.array(fc.nat(), { maxLength: 300 }), (probs, precision, raw) => {
      const freqs = quantizeProbabilities(probs, precision);
      expect(freqs.reduce((a, b) => a + b, 0)).toBe(2 ** precision);
      probs.forEach((p, i) => expect(freqs[i] === 0).toBe(p === 0));
      const possible = probs.map((p, i) => (p > 0 ? i : -1)).filter((i) => i >= 0);
      roundTrip(categorical(freqs, precision), emptyMessage(), raw.map((v) => possible[v % possible.length]));
    }), { numRuns: 200 });
  });

  it('bernoulli, serial, repeat and substack', () => {
    fc.assert(fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), fc.array(fc.boolean(), { minLength: 1, maxLength: 50 }), (p, bits) => {
      const xs = bits.map((b) => (b ? 1 : 0));
      roundTrip(bernoulli(p, 16), emptyMessage(), xs);
      roundTrip(repeat(bernoulli(p, 12), xs.length), emptyMessage(), [xs, xs.slice().reverse()]);
      roundTrip(serial([uniform(3), bernoulli(p, 10), uniform(16)]), randomMessage(Key.fromSeed(1), 3), [[5, xs[0], 60000]]);
      roundTrip(substack(repeat(bernoulli(p, 12), xs.length), emptyMessage), randomMessage(Key.fromSeed(2), 2), [xs, xs]);
    }), { numRuns: 150 });
  });

  it('the discretized Gaussian posterior and prior over equal-mass buckets', () => {
    fc.assert(fc.property(fc.double({ min: -4, max: 4, noNaN: true }), fc.double({ min: 0.001, max: 3, noNaN: true }),
      fc.array(fc.nat({ max: 1023 }), { minLength: 1, maxLength: 60 }), (mu, sigma, idx) => {
        const b = priorBuckets(10);
        roundTrip(bucketPosterior(mu, sigma, b, 16), emptyMessage(), idx);
        roundTrip(bucketPrior(10), emptyMessage(), idx);
      }), { numRuns: 150 });
  });

  it('BB-ANS with a toy discrete model round-trips every value and restores the initial message', () => {
    // z in 0..3, x in 0..7; likelihood depends on z, posterior depends on x
    const model = {
      prior: uniform(2),
      likelihood: (z: number) => categorical(quantizeProbabilities(Array.from({ length: 8 }, (_, x) => 1 + (x === 2 * z ? 20 : 0)), 12), 12),
      posterior: (x: number) => categorical(quantizeProbabilities([1, 1, 1, 1].map((v, z) => v + (2 * z === x ? 10 : 0)), 12), 12),
    };
    fc.assert(fc.property(fc.array(fc.nat({ max: 7 }), { minLength: 1, maxLength: 100 }), (xs) => {
      roundTrip(bbAns(model), randomMessage(Key.fromSeed(3), 8), xs);
    }), { numRuns: 100 });
  });
});

describe('code lengths', () => {
  it('categorical code length is within 0.1% + 64 bits of the information content', () => {
    for (const seed of [1, 2, 3]) {
      const u = Key.fromSeed(seed).uniforms(9);
      const probs = Array.from(u, (v) => v ** 3 + 0.001);
      const sum = probs.reduce((a, b) => a + b);
      const freqs = quantizeProbabilities(probs, 16);
      const codec = categorical(freqs, 16);
      const draws = Key.fromSeed(seed + 10).uniforms(20000);
      let m = emptyMessage();
      let information = 0;
      const cum = probs.map((_, i) => probs.slice(0, i + 1).reduce((a, b) => a + b) / sum);
      for (const d of draws) {
        const x = cum.findIndex((c) => d < c);
        m = codec.push(m, x);
        information += -Math.log2(freqs[x] / 2 ** 16);
      }
      const bits = messageBits(m) - messageBits(emptyMessage());
      expect(bits).toBeGreaterThan(information - 32);
      expect(bits).toBeLessThan(information * 1.001 + 64);
      // the exact information held grows by the information coded, to a small fraction of a bit
      const held = messageInformation(m) - messageInformation(emptyMessage());
      expect(Math.abs(held - information)).toBeLessThan(0.05);
    }
  });
});

describe('bad input', () => {
  it('a zero-probability symbol is reported, not coded', () => {
    const freqs = quantizeProbabilities([0.5, 0, 0.5], 8);
    expect(() => categorical(freqs, 8).push(emptyMessage(), 1)).toThrow(/symbol 1 has probability zero/);
    expect(() => categorical([300, -44], 8)).toThrow(/frequency 1 is -44, not a non-negative integer/);
    expect(() => categorical([128.5, 127.5], 8)).toThrow(/frequency 0 is 128.5/);
    expect(() => bernoulli(0, 16).push(emptyMessage(), 1)).toThrow(CodingError);
    expect(() => bernoulli(1.5, 16)).toThrow(/outside \[0, 1\]/);
    expect(() => pushInterval(emptyMessage(), 0, 0, 8)).toThrow(/probability is zero/);
    expect(() => uniform(4).push(emptyMessage(), 16)).toThrow(/outside 0..15/);
    expect(() => quantizeProbabilities([0, 0], 8)).toThrow(/all probabilities are zero/);
    expect(() => pushInterval(emptyMessage(), 0, 1, 25)).toThrow(/precision 25/);
  });

  it('popping past the end of a stream is an error, not a loop', () => {
    const m = uniform(16).push(emptyMessage(), 7);
    const [m1] = uniform(16).pop(m);
    expect(() => { let x = m1; for (let i = 0; i < 10; i++) [x] = uniform(16).pop(x); }).toThrow(/ran out of bits/);
    expect(() => popInterval(m, 0, 1, 16)).toThrow(/does not contain/);
  });
});

describe('serialization', () => {
  const codec = repeat(uniform(7), 50);
  const xs = Array.from(Key.fromSeed(4).uniforms(50), (u) => Math.floor(u * 128));
  const m = codec.push(randomMessage(Key.fromSeed(5), 4), xs);

  it('round-trips with its descriptor and is deterministic', () => {
    const bytes = serializeMessage(m, 'uniform7x50 precision=7');
    expect(Buffer.from(serializeMessage(codec.push(randomMessage(Key.fromSeed(5), 4), xs), 'uniform7x50 precision=7')).equals(Buffer.from(bytes))).toBe(true);
    const { message, descriptor } = deserializeMessage(bytes, 'uniform7x50 precision=7');
    expect(descriptor).toBe('uniform7x50 precision=7');
    expect(codec.pop(message)[1]).toEqual(xs);
  });

  it('names foreign, truncated, version-mismatched, corrupt and other-codec streams', () => {
    const bytes = serializeMessage(m, 'uniform7x50 precision=7');
    expect(() => deserializeMessage(new TextEncoder().encode('PK\u0003\u0004 not ours'))).toThrow(/not a message of this library/);
    expect(() => deserializeMessage(bytes.slice(0, bytes.length - 3))).toThrow(/truncated/);
    const v3 = bytes.slice(); v3[4] = 3;
    expect(() => deserializeMessage(v3)).toThrow(/format version 3/);
    const flipped = bytes.slice(); flipped[30] ^= 0x10;
    expect(() => deserializeMessage(flipped)).toThrow(/corrupt \(CRC-32 mismatch\)/);
    expect(() => deserializeMessage(bytes, 'uniform7x50 precision=8')).toThrow(/another codec \(precision: stream 7, decoder 8\)/);
    expect(() => deserializeMessage(bytes, 'uniform8x50 precision=7')).toThrow(/codec: stream uniform7x50, decoder uniform8x50/);
    for (const bad of ['', 'x'.repeat(256), 'tab\there', 'précision']) expect(() => serializeMessage(m, bad)).toThrow(/printable ASCII/);
  });

  it('fuzz: random and mutated bytes never decode silently and never hang', () => {
    const bytes = serializeMessage(m, 'uniform7x50 precision=7');
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (junk) => {
      expect(() => deserializeMessage(junk)).toThrow(CodingError);
    }), { numRuns: 500 });
    fc.assert(fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (pos, mask) => {
      const mutated = bytes.slice();
      mutated[pos % mutated.length] ^= mask;
      expect(() => deserializeMessage(mutated)).toThrow(CodingError);
    }), { numRuns: 500 });
  });
});

describe('normal CDF and quantiles', () => {
  it('match known values in the body and the tails', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 12);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 12);
    expect(normalCdf(-8) / 6.22096057427178e-16).toBeCloseTo(1, 8);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 9);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 7);
    const b = priorBuckets(4);
    expect(b.edges[0]).toBe(-Infinity);
    expect(b.edges[8]).toBeCloseTo(0, 12);
    for (let i = 0; i < 16; i++) expect(normalCdf(b.edges[i + 1]) - normalCdf(b.edges[i])).toBeCloseTo(1 / 16, 12);
  });
});

describe('compression baselines', () => {
  it('pack bits and report sizes of all four compressors', async () => {
    const { packBits, compressedSizes } = await import('../../lib/coding');
    expect(Array.from(packBits([1, 0, 0, 0, 0, 0, 0, 1, 1]))).toEqual([0x81, 0x80]);
    const zeros = new Uint8Array(10000);
    const sizes = compressedSizes(zeros);
    for (const v of Object.values(sizes)) expect(v).toBeLessThan(200);
    const noise = Uint8Array.from(Key.fromSeed(1).uniforms(10000), (u) => Math.floor(u * 256));
    for (const v of Object.values(compressedSizes(noise))) expect(v).toBeGreaterThan(9900);
  });
});
