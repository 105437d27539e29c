// The Transformer models: nothing flows from later target symbols or from source padding, a small
// encoder-decoder learns to reverse sequences, training is reproducible and leak-free, bad tokens
// and overlong sequences are refused by name.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key, uniform } from '../../lib/core/random';
import { ShapeError } from '../../lib/core/errors';
import { adam } from '../../lib/core/adam';
import { train } from '../../lib/core/train';
import { CausalTransformer, GruCell, GruSeq2Seq, Seq2SeqTransformer, greedyDecode, isHeldOut, sortBatch, TransformerConfig, paddingMask, sequenceCrossEntropy } from '../../lib/attention';
import { expectNoLeak } from '../helpers';

const small: TransformerConfig = { width: 16, heads: 2, hidden: 32, layers: 1, maxLength: 8, positions: 'sinusoidal', norm: 'pre', residual: true };
const ints = (rows: number[][]) => tf.tensor2d(rows, undefined, 'int32');

describe('causality and masks', () => {
  it('a decoder-only model\'s logits up to t ignore the symbols after t', () => {
    const lm = new CausalTransformer(small, 5, Key.fromSeed(1));
    const a = lm.apply(ints([[1, 2, 3, 4, 0, 1]]));
    const b = lm.apply(ints([[1, 2, 3, 0, 4, 4]]));
    const [la, lb] = [a, b].map((o) => o.logits.arraySync()[0]);
    for (let t = 0; t < 3; t++) expect(lb[t]).toEqual(la[t]);
    expect(lb[3]).not.toEqual(la[3]);
    tf.dispose([a, b] as unknown as tf.TensorContainer);
    lm.dispose();
  });

  it('the encoder-decoder ignores later target symbols and the source\'s padding', () => {
    const model = new Seq2SeqTransformer(small, 6, 5, Key.fromSeed(2));
    const mask = paddingMask([3], 5);
    const run = (src: number[], tgt: number[]) => {
      const out = model.apply(ints([src]), ints([tgt]), mask);
      const logits = out.logits.arraySync()[0];
      tf.dispose(out as unknown as tf.TensorContainer);
      return logits;
    };
    const base = run([1, 2, 3, 0, 0], [0, 1, 2, 3]);
    expect(run([1, 2, 3, 5, 4], [0, 1, 2, 3])).toEqual(base); // padding changed
    const later = run([1, 2, 3, 0, 0], [0, 1, 4, 4]);
    expect(later.slice(0, 2)).toEqual(base.slice(0, 2));
    expect(run([1, 2, 4, 0, 0], [0, 1, 2, 3])[0]).not.toEqual(base[0]); // a real source symbol matters
    mask.dispose();
    model.dispose();
  });
});

/** Random sequences of symbols 1..vocab−1 and their reversals; symbol 0 starts the target. */
function reversalBatch(key: Key, batch: number, length: number, vocab: number) {
  const draws = uniform(key, [batch, length]);
  const src = (draws.arraySync() as number[][]).map((r) => r.map((u) => 1 + Math.floor(u * (vocab - 1))));
  draws.dispose();
  const reversed = src.map((r) => [...r].reverse());
  return { source: ints(src), targetIn: ints(reversed.map((r) => [0, ...r.slice(0, -1)])), targetOut: ints(reversed) };
}

async function trainReversal(seed: number, steps: number) {
  const model = new Seq2SeqTransformer({ ...small, width: 32, hidden: 64 }, 6, 6, Key.fromSeed(seed));
  const optimizer = adam(3e-3);
  const result = await train(Key.fromSeed(seed + 1), (k) => {
    const b = reversalBatch(k, 32, 5, 6);
    const loss = sequenceCrossEntropy(model.apply(b.source, b.targetIn).logits, b.targetOut);
    tf.dispose([b.source, b.targetIn, b.targetOut]);
    return loss;
  }, { steps, optimizer, variables: model.variables, progress: 'off' });
  optimizer.dispose();
  return { model, losses: result.losses };
}

describe('training', () => {
  it('learns to reverse sequences: greedy decoding gets held-out ones right', async () => {
    const { model } = await trainReversal(3, 400);
    const test = reversalBatch(Key.fromSeed(99), 200, 5, 6);
    const decoded = await expectNoLeak(() => greedyDecode(model, test.source, 0, 5), 1);
    const right = (decoded.arraySync() as number[][]).filter((r, i) => r.join() === (test.targetOut.arraySync() as number[][])[i].join()).length;
    expect(right / 200).toBeGreaterThan(0.9);
    tf.dispose([decoded, test.source, test.targetIn, test.targetOut]);
    model.dispose();
  }, 180_000); // on stock tfjs, with other test files beside it, this takes about a minute

  it('is reproducible and leak-free', async () => {
    const held = tf.memory().numTensors;
    const a = await trainReversal(5, 5);
    const b = await trainReversal(5, 5);
    expect(b.losses).toEqual(a.losses);
    a.model.dispose();
    b.model.dispose();
    expect(tf.memory().numTensors).toBe(held);
  });
});

describe('bad input', () => {
  it('refuses symbols outside the vocabulary, float tokens and sequences longer than the table', () => {
    const lm = new CausalTransformer(small, 5, Key.fromSeed(6));
    expect(() => lm.apply(ints([[1, 5]]))).toThrow(/outside the vocabulary/);
    expect(() => lm.apply(tf.tensor2d([[1, 2]]))).toThrow(ShapeError);
    expect(() => lm.apply(ints([Array(9).fill(1)]))).toThrow(/longer than the position table/);
    lm.dispose();
  });
});

describe('the GRU baseline', () => {
  it('one step is the GRU update, computed by hand', () => {
    const cell = new GruCell(2, 1, Key.fromSeed(7));
    const set = (d: { weight: tf.Variable; bias: tf.Variable }, w: number[][], b: number[]) => {
      d.weight.assign(tf.tensor2d(w));
      d.bias.assign(tf.tensor1d(b));
    };
    set(cell.input, [[0.5, -1, 2], [1, 0.25, -0.5]], [0.1, 0.2, 0.3]);
    set(cell.recurrent, [[-0.3, 0.7, 1.5]], [0, -0.1, 0.2]);
    const [x, h] = [[0.4, -0.6], [0.8]];
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    const z = sig(0.5 * x[0] + x[1] + 0.1 - 0.3 * h[0]);
    const r = sig(-1 * x[0] + 0.25 * x[1] + 0.2 + 0.7 * h[0] - 0.1);
    const n = Math.tanh(2 * x[0] - 0.5 * x[1] + 0.3 + r * (1.5 * h[0] + 0.2));
    const next = cell.step(tf.tensor2d([x]), tf.tensor2d([h]));
    expect(next.dataSync()[0]).toBeCloseTo((1 - z) * n + z * h[0], 6);
    next.dispose();
    cell.dispose();
  });

  it('padding leaves the encoder\'s state alone, and a real symbol changes it', () => {
    const model = new GruSeq2Seq(8, 6, 5, Key.fromSeed(8));
    const mask = paddingMask([2], 4);
    const run = (src: number[]) => {
      const out = model.apply(ints([src]), ints([[0, 1, 2]]), mask);
      const v = out.logits.arraySync();
      out.logits.dispose();
      return v;
    };
    expect(run([3, 4, 1, 2])).toEqual(run([3, 4, 5, 5]));
    expect(run([3, 1, 1, 2])).not.toEqual(run([3, 4, 1, 2]));
    mask.dispose();
    model.dispose();
  });
});

describe('the sort task', () => {
  it('targets are the next digit, and only the sorted half is scored', () => {
    const b = sortBatch(Key.fromSeed(12), 3, 4, 3);
    const tokens = b.tokens.arraySync() as number[][];
    const targets = b.targets.arraySync() as number[][];
    b.sequences.forEach((s, i) => {
      const sorted = [...s].sort((x, y) => x - y);
      expect(tokens[i]).toEqual([...s, ...sorted.slice(0, 3)]);
      expect(targets[i]).toEqual([...s.slice(1), ...sorted]);
    });
    expect(Array.from(b.weights.dataSync().slice(0, 7))).toEqual([0, 0, 0, 1, 1, 1, 1]);
    tf.dispose([b.tokens, b.targets, b.weights]);
  });

  it('training and test sequences never meet; a quarter of all is held out', () => {
    const [train, test] = (['train', 'test'] as const).map((split) => sortBatch(Key.fromSeed(13), 400, 6, 3, split));
    const seen = new Set(train.sequences.map((s) => s.join()));
    expect(test.sequences.some((s) => seen.has(s.join()))).toBe(false);
    expect(test.sequences.every((s) => isHeldOut(s, 3))).toBe(true);
    const all = Array.from({ length: 729 }, (_, i) => Array.from({ length: 6 }, (_, j) => Math.floor(i / 3 ** j) % 3));
    const share = all.filter((s) => isHeldOut(s, 3)).length / 729;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.3);
    [train, test].forEach((b) => tf.dispose([b.tokens, b.targets, b.weights]));
  });
});
