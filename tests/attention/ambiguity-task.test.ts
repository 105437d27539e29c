// The translation task's answer is known: every word but the ambiguous one has one translation, the
// ambiguous word's follows its cue, the cue sits exactly `distance` away, and the batch is keyed.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key } from '../../lib/core/random';
import { ParameterError } from '../../lib/core/errors';
import { SOURCE_VOCABULARY, START, TARGET_VOCABULARY, ambiguityBatch } from '../../lib/attention';

describe('the ambiguity task', () => {
  it('translates word by word, the ambiguous word by its cue, at the distance asked for', () => {
    const held = tf.memory().numTensors;
    const b = ambiguityBatch(Key.fromSeed(1), 300, 9, 4);
    const src = (b.source.arraySync() as number[][]).map((r) => SOURCE_VOCABULARY.decode(r));
    const tgt = (b.targetOut.arraySync() as number[][]).map((r) => TARGET_VOCABULARY.decode(r));
    const tgtIn = (b.targetIn.arraySync() as number[][]).map((r) => TARGET_VOCABULARY.decode(r));
    const translation = new Map<string, Set<string>>();
    const senseOfCue = new Map<string, Set<string>>();
    src.forEach((row, i) => {
      expect(Math.abs(b.ambiguousAt[i] - b.cueAt[i])).toBe(4);
      expect(tgtIn[i]).toEqual([START, ...tgt[i].slice(0, -1)]);
      row.forEach((w, j) => {
        if (j === b.ambiguousAt[i]) return;
        if (!translation.has(w)) translation.set(w, new Set());
        translation.get(w)!.add(tgt[i][j]);
      });
      const key = `${row[b.ambiguousAt[i]]}|${row[b.cueAt[i]]}`;
      if (!senseOfCue.has(key)) senseOfCue.set(key, new Set());
      senseOfCue.get(key)!.add(tgt[i][b.ambiguousAt[i]]);
    });
    for (const [, t] of translation) expect(t.size).toBe(1);
    for (const [, t] of senseOfCue) expect(t.size).toBe(1);
    expect(senseOfCue.size).toBe(12); // 3 ambiguous words × 2 senses × 2 cues, all drawn
    const bark = [...senseOfCue].filter(([k]) => k.startsWith('bark|')).map(([k, v]) => `${k.split('|')[1]}:${[...v][0]}`).sort();
    expect(bark).toEqual(['brown:kora', 'dog:szczekanie', 'loud:szczekanie', 'tree:kora']);
    expect(new Set(b.cueAt.map((c, i) => c < b.ambiguousAt[i])).size).toBe(2); // cues before and after
    tf.dispose([b.source, b.targetIn, b.targetOut]);
    expect(tf.memory().numTensors).toBe(held);
  });

  it('is the same batch for the same key, and refuses a distance that does not fit', () => {
    const [a, b] = [1, 1].map(() => ambiguityBatch(Key.fromSeed(2), 5, 6, 2));
    expect(a.source.arraySync()).toEqual(b.source.arraySync());
    tf.dispose([a.source, a.targetIn, a.targetOut, b.source, b.targetIn, b.targetOut]);
    expect(() => ambiguityBatch(Key.fromSeed(2), 5, 6, 6)).toThrow(ParameterError);
    expect(() => SOURCE_VOCABULARY.encode('szczekanie')).toThrow(/not in the vocabulary/);
  });
});
