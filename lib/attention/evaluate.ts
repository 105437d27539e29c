// Measuring the attention lecture's models: how often the ambiguous word is translated right, and how
// much attention the translation of it pays to the cue; how many sequences a decoder-only model
// sorts exactly; and continuing a sequence or a text, greedily or by sampling with a key.
import * as tf from '../core/tf';
import { ParameterError, checkInt } from '../core/errors';
import { Key, uniform } from '../core/random';
import { AmbiguityBatch, ambiguityBatch } from './ambiguity-task';
import { SequenceToSequence, greedyDecode } from './decode';
import { sortBatch } from './sort-task';
import { decodeText, encodeText } from './corpus';
import { CausalTransformer, Seq2SeqTransformer } from './transformer';

export interface AmbiguityScore {
  distance: number;
  /** Share of sentences whose ambiguous word is translated right (greedy decoding). */
  disambiguated: number;
  /** Share of sentences translated right word for word. */
  exact: number;
  /** Per sentence: [cue position, ambiguous position, 1 if the ambiguous word was right]. */
  sentences: [number, number, number][];
  /** Per target position: the share of sentences whose word there is translated right. */
  byPosition: number[];
}

/** Greedy translations of n fresh sentences at each distance, scored. */
export function ambiguityAccuracy(model: SequenceToSequence, key: Key, length: number, distances: number[], n: number): AmbiguityScore[] {
  return distances.map((distance) => {
    const b = ambiguityBatch(key.foldIn(distance), n, length, distance);
    const decoded = greedyDecode(model, b.source, 0, length);
    const out = decoded.arraySync() as number[][], truth = b.targetOut.arraySync() as number[][];
    tf.dispose([decoded, b.source, b.targetIn, b.targetOut]);
    const right = out.map((row, i) => (row[b.ambiguousAt[i]] === truth[i][b.ambiguousAt[i]] ? 1 : 0));
    const exact = out.filter((row, i) => row.join() === truth[i].join()).length / n;
    const sentences = right.map((r, i) => [b.cueAt[i], b.ambiguousAt[i], r] as [number, number, number]);
    const byPosition = truth[0].map((_, t) => out.filter((row, i) => row[t] === truth[i][t]).length / n);
    return { distance, disambiguated: right.reduce<number>((s, r) => s + r, 0) / n, exact, sentences, byPosition };
  });
}

export interface CueAttention {
  /** [layer][head]: the encoder's self-attention from the ambiguous word to its cue. */
  encoderToCue: number[][];
  /** [layer][head]: the decoder's cross-attention, writing the ambiguous word's translation, on the cue. */
  crossToCue: number[][];
  /** [layer][head]: the same cross-attention on the ambiguous word itself (word-by-word alignment). */
  crossToWord: number[][];
}

/** Mean attention weights over the batch (teacher forcing): who looks at the cue, in which layer and head. */
export function cueAttention(model: Seq2SeqTransformer, batch: AmbiguityBatch): CueAttention {
  const out = model.apply(batch.source, batch.targetIn);
  const encoder = out.encoderWeights.map((w) => w.arraySync() as number[][][][]); // [layer][b][head][query][key]
  const cross = out.crossWeights.map((w) => w.arraySync() as number[][][][]);
  tf.dispose(out as unknown as tf.TensorContainer);
  const mean = (layers: number[][][][][], key: (b: number) => number) => layers.map((layer) => layer[0].map((_, h) =>
    layer.reduce((sum, perSentence, b) => sum + perSentence[h][batch.ambiguousAt[b]][key(b)], 0) / layer.length));
  return {
    encoderToCue: mean(encoder, (b) => batch.cueAt[b]),
    crossToCue: mean(cross, (b) => batch.cueAt[b]),
    crossToWord: mean(cross, (b) => batch.ambiguousAt[b]),
  };
}

/** One draw per row from softmax(logits / temperature): the argmax after adding Gumbel noise. */
function gumbelMax(logits: tf.Tensor2D, key: Key, temperature: number): tf.Tensor1D {
  const u = uniform(key, logits.shape, 1e-7, 1 - 1e-7);
  return tf.argMax(tf.sub(tf.div(logits, temperature), tf.log(tf.neg(tf.log(u)))), -1);
}

/** Continues each prompt row by `steps` symbols, each the most probable (greedy) or drawn from softmax(logits / temperature). */
export function continueSequences(lm: CausalTransformer, prompt: tf.Tensor2D, steps: number, sampling?: { key: Key; temperature: number }): tf.Tensor2D {
  checkInt('steps', steps, 1);
  if (sampling && !(sampling.temperature > 0)) throw new ParameterError(`temperature ${sampling.temperature}`, 'use a positive temperature (1 samples the model as it is)');
  const rows = prompt.arraySync() as number[][];
  if (rows[0].length + steps - 1 > lm.config.maxLength) {
    throw new ParameterError(`a prompt of ${rows[0].length} and ${steps} more symbols exceed the model's ${lm.config.maxLength} positions`, 'shorten the prompt or the continuation');
  }
  for (let s = 0; s < steps; s++) {
    const next = tf.tidy(() => {
      const logits = lm.apply(tf.tensor2d(rows, undefined, 'int32')).logits;
      const last = tf.squeeze(tf.slice(logits, [0, rows[0].length - 1, 0], [-1, 1, -1]), [1]) as tf.Tensor2D;
      return sampling ? gumbelMax(last, sampling.key.foldIn(s), sampling.temperature) : tf.argMax(last, -1);
    });
    const symbols = next.dataSync();
    next.dispose();
    rows.forEach((r, b) => r.push(symbols[b]));
  }
  return tf.tensor2d(rows, undefined, 'int32');
}

/**
 * `samples` continuations of a text prompt by `characters` symbols, each drawn from
 * softmax(logits / temperature) given the last maxLength symbols: the window slides, so a sample can
 * be longer than the model's context.
 */
export function sampleText(lm: CausalTransformer, prompt: string, characters: number, key: Key, temperature: number, samples = 1): string[] {
  checkInt('characters', characters, 1);
  checkInt('samples', samples, 1);
  if (!(temperature > 0)) throw new ParameterError(`temperature ${temperature}`, 'use a positive temperature (1 samples the model as it is)');
  const start = Array.from(encodeText(prompt));
  if (start.length === 0) throw new ParameterError('an empty prompt', 'give at least one character to continue');
  const rows = Array.from({ length: samples }, () => [...start]);
  for (let s = 0; s < characters; s++) {
    const context = rows.map((r) => r.slice(-lm.config.maxLength));
    const next = tf.tidy(() => {
      const logits = lm.apply(tf.tensor2d(context, undefined, 'int32')).logits;
      const last = tf.squeeze(tf.slice(logits, [0, context[0].length - 1, 0], [-1, 1, -1]), [1]) as tf.Tensor2D;
      return gumbelMax(last, key.foldIn(s), temperature);
    });
    const symbols = next.dataSync();
    next.dispose();
    rows.forEach((r, b) => r.push(symbols[b]));
  }
  return rows.map((r) => decodeText(r.slice(start.length)));
}

/** Share of n held-out sequences that the model sorts exactly, writing the sorted copy greedily. */
export function sortAccuracy(lm: CausalTransformer, key: Key, n: number, length = 6, symbols = 3): number {
  const b = sortBatch(key, n, length, symbols, 'test');
  const prompt = tf.tensor2d(b.sequences, undefined, 'int32');
  const written = continueSequences(lm, prompt, length);
  const rows = written.arraySync() as number[][];
  tf.dispose([b.tokens, b.targets, b.weights, prompt, written]);
  return rows.filter((r, i) => r.slice(length).join() === [...b.sequences[i]].sort((x, y) => x - y).join()).length / n;
}
