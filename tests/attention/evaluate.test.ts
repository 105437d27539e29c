// The attention lecture's measurements: an oracle translator scores 1 and a careless one 0 on the
// ambiguous word; sampling by the Gumbel-max trick draws from softmax(logits / T) and is keyed;
// a trained decoder-only model sorts; attention to the cue is a weight per layer and head.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key } from '../../lib/core/random';
import { adam } from '../../lib/core/adam';
import { train } from '../../lib/core/train';
import {
  CausalTransformer, SOURCE_VOCABULARY, Seq2SeqTransformer, SequenceToSequence, TARGET_VOCABULARY, TransformerConfig,
  ambiguityAccuracy, ambiguityBatch, continueSequences, cueAttention, encodeText, sampleText, sequenceCrossEntropy, sortAccuracy, sortBatch, ALPHABET,
} from '../../lib/attention';
import { ENGINE } from '../helpers';

const config: TransformerConfig = { width: 32, heads: 4, hidden: 64, layers: 2, maxLength: 12, positions: 'sinusoidal', norm: 'pre', residual: true };

/** Translates by the task's rule, read off a large batch: every word's translation, the ambiguous one's by its cue. */
function oracle(careless: boolean): SequenceToSequence {
  const b = ambiguityBatch(Key.fromSeed(50), 2000, 8, 3);
  const src = b.source.arraySync() as number[][], tgt = b.targetOut.arraySync() as number[][];
  const plain = new Map<number, number>(), bySense = new Map<string, number>();
  src.forEach((row, i) => row.forEach((w, j) => {
    if (j === b.ambiguousAt[i]) bySense.set(`${w}|${row[b.cueAt[i]]}`, tgt[i][j]);
    else plain.set(w, tgt[i][j]);
  }));
  tf.dispose([b.source, b.targetIn, b.targetOut]);
  const translate = (row: number[]) => row.map((w) => {
    if (plain.has(w)) return plain.get(w)!; // every word but the ambiguous ones
    const cue = row.find((c) => bySense.has(`${w}|${c}`));
    return careless ? [...bySense.entries()].find(([k]) => k.startsWith(`${w}|`))![1] : bySense.get(`${w}|${cue}`)!;
  });
  return {
    targetVocab: TARGET_VOCABULARY.size,
    variables: [],
    dispose: () => undefined,
    apply: (source, targetIn) => ({ logits: tf.tidy(() => {
      const t = targetIn.shape[1];
      const rows = (source.arraySync() as number[][]).map((r) => translate(r).slice(0, t));
      return tf.mul(tf.oneHot(tf.tensor2d(rows, undefined, 'int32'), TARGET_VOCABULARY.size), 10) as tf.Tensor3D;
    }) }),
  };
}

describe('ambiguity scores', () => {
  it('an oracle scores 1; one that ignores the cue is right about half the time', () => {
    const right = ambiguityAccuracy(oracle(false), Key.fromSeed(1), 8, [1, 4, 7], 200);
    right.forEach((s) => expect(s).toMatchObject({ disambiguated: 1, exact: 1, byPosition: Array(8).fill(1) }));
    const careless = ambiguityAccuracy(oracle(true), Key.fromSeed(1), 8, [1, 4, 7], 200);
    careless.forEach((s) => {
      expect(s.disambiguated).toBeGreaterThan(0.35); // Binomial(200, 1/2): 0.35 is 4.2 s.d. below
      expect(s.disambiguated).toBeLessThan(0.65);
      expect(s.exact).toBe(s.disambiguated);
      expect(s.sentences.length).toBe(200);
      expect(s.sentences.reduce((t, [, , r]) => t + r, 0)).toBe(Math.round(200 * s.disambiguated));
      s.sentences.forEach(([cue, ambiguous]) => expect(Math.abs(cue - ambiguous)).toBe(s.distance));
      // only the ambiguous word is ever wrong, so the errors over positions add up to its error
      expect(s.byPosition.reduce((t, p) => t + (1 - p), 0)).toBeCloseTo(1 - s.disambiguated, 10);
    });
  });

  it('attention to the cue is one mean weight in [0, 1] per layer and head, leak-free', () => {
    const model = new Seq2SeqTransformer(config, SOURCE_VOCABULARY.size, TARGET_VOCABULARY.size, Key.fromSeed(2));
    const b = ambiguityBatch(Key.fromSeed(3), 20, 8, 3);
    const held = tf.memory().numTensors;
    const w = cueAttention(model, b);
    expect(tf.memory().numTensors).toBe(held);
    for (const weights of [w.encoderToCue, w.crossToCue, w.crossToWord]) {
      expect(weights.length).toBe(2);
      weights.forEach((layer) => {
        expect(layer.length).toBe(4);
        layer.forEach((v) => { expect(v).toBeGreaterThan(0); expect(v).toBeLessThan(1); });
      });
    }
    tf.dispose([b.source, b.targetIn, b.targetOut]);
    model.dispose();
  });
});

describe('continuing sequences', () => {
  it('samples follow softmax(logits / T), are keyed, and a cold sample is the greedy one', () => {
    const lm = new CausalTransformer({ ...config, layers: 1 }, 4, Key.fromSeed(4));
    const n = 4000;
    const prompt = tf.tensor2d(Array.from({ length: n }, () => [1, 2]), undefined, 'int32');
    const probs = tf.tidy(() => tf.softmax(tf.slice(lm.apply(tf.tensor2d([[1, 2]], undefined, 'int32')).logits, [0, 1, 0], [1, 1, -1])).dataSync());
    const drawn = continueSequences(lm, prompt, 1, { key: Key.fromSeed(5), temperature: 1 });
    const counts = [0, 1, 2, 3].map((s) => (drawn.arraySync() as number[][]).filter((r) => r[2] === s).length / n);
    counts.forEach((c, s) => expect(Math.abs(c - probs[s])).toBeLessThan(4 * Math.sqrt(probs[s] * (1 - probs[s]) / n) + 1e-3));
    const again = continueSequences(lm, prompt, 1, { key: Key.fromSeed(5), temperature: 1 });
    expect(again.arraySync()).toEqual(drawn.arraySync());
    const cold = continueSequences(lm, prompt, 3, { key: Key.fromSeed(6), temperature: 1e-4 });
    expect(cold.arraySync()).toEqual(continueSequences(lm, prompt, 3).arraySync());
    expect(() => continueSequences(lm, prompt, 12)).toThrow(/exceed the model/); // 2 + 12 − 1 > 12
    tf.dispose([prompt, drawn, again, cold]);
    lm.dispose();
  });

  it('samples text past the context window, keyed, greedy in the cold limit, leak-free', () => {
    const lm = new CausalTransformer({ ...config, maxLength: 8 }, ALPHABET.length, Key.fromSeed(11));
    const before = tf.memory().numTensors;
    const texts = sampleText(lm, 'the ', 20, Key.fromSeed(12), 1, 3); // 4 + 20 symbols > 8 positions
    expect(tf.memory().numTensors).toBe(before);
    expect(texts).toHaveLength(3);
    texts.forEach((t) => expect(Array.from(t).every((c) => ALPHABET.includes(c)) && t.length === 20).toBe(true));
    expect(sampleText(lm, 'the ', 20, Key.fromSeed(12), 1, 3)).toEqual(texts);
    // inside the window a cold sample is the greedy continuation
    const prompt = tf.tensor2d([Array.from(encodeText('the '))], undefined, 'int32');
    const greedy = continueSequences(lm, prompt, 4);
    const cold = sampleText(lm, 'the ', 4, Key.fromSeed(13), 1e-4)[0];
    expect(Array.from(encodeText(cold))).toEqual((greedy.arraySync() as number[][])[0].slice(4));
    tf.dispose([prompt, greedy]);
    expect(() => sampleText(lm, 'the ', 5, Key.fromSeed(1), 0)).toThrow(/temperature 0/);
    expect(() => sampleText(lm, '', 5, Key.fromSeed(1), 1)).toThrow(/empty prompt/);
    expect(() => sampleText(lm, 'The', 5, Key.fromSeed(1), 1)).toThrow(/'T' is not in the alphabet/);
    lm.dispose();
  });

  // a long training run: on stock tfjs the shorter tests above already run this model's forward and
  // backward passes, and this one alone would take about a minute there
  it.skipIf(!ENGINE)('a small decoder-only model learns to sort', async () => {
    const lm = new CausalTransformer({ ...config, width: 48, hidden: 96 }, 3, Key.fromSeed(7));
    const optimizer = adam(3e-3);
    await train(Key.fromSeed(8), (k) => {
      const b = sortBatch(k, 64);
      const loss = sequenceCrossEntropy(lm.apply(b.tokens).logits, b.targets, b.weights);
      tf.dispose([b.tokens, b.targets, b.weights]);
      return loss;
    }, { steps: 400, optimizer, variables: lm.variables, progress: 'off' });
    const accuracy = sortAccuracy(lm, Key.fromSeed(9), 500);
    if (process.env.VI_PRINT) console.log('sort accuracy', accuracy);
    expect(accuracy).toBeGreaterThan(0.9);
    optimizer.dispose();
    lm.dispose();
  }, 180_000);
});
