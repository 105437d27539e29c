// Shipped attention models load back into models that compute exactly what was saved; a missing or
// spec-less folder is refused by name.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key } from '../../lib/core/random';
import { ModelSpec, SequenceToSequence, buildModel, loadModel, saveModel } from '../../lib/attention';
import { saveWeights } from '../../lib/nn/weights';

const config = { width: 16, heads: 2, hidden: 32, layers: 1, maxLength: 8, positions: 'learned', norm: 'pre', residual: true } as const;
const ints = (rows: number[][]) => tf.tensor2d(rows, undefined, 'int32');

describe('shipped attention models', () => {
  for (const spec of [
    { kind: 'seq2seq', config, sourceVocab: 6, targetVocab: 5 },
    { kind: 'gru', width: 8, sourceVocab: 6, targetVocab: 5 },
  ] as ModelSpec[]) {
    it(`a ${spec.kind} model saved and loaded translates exactly as before`, () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'att-'));
      const model = buildModel(spec, Key.fromSeed(1)) as SequenceToSequence;
      saveModel(dir, spec, model as never, { note: 'test' });
      const run = (m: SequenceToSequence) => {
        const out = m.apply(ints([[1, 2, 3]]), ints([[0, 4]]));
        const v = out.logits.arraySync();
        tf.dispose(out as unknown as tf.TensorContainer);
        return v;
      };
      const { model: loaded, record } = loadModel(dir);
      expect(run(loaded as SequenceToSequence)).toEqual(run(model));
      expect(record.note).toBe('test');
      model.dispose();
      loaded.dispose();
    });
  }

  it('refuses a missing folder and one without a spec', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'att-'));
    expect(() => loadModel(path.join(dir, 'none'))).toThrow(/no shipped model/);
    saveWeights(dir, [], { note: 'no spec' });
    expect(() => loadModel(dir)).toThrow(/no model spec/);
  });
});
