// The lecture's fixed data sets, and its models saved and rebuilt from their folders.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key } from '../../lib/core/random';
import { DESIGNS, PHONEME_SETUP, STATE_SPACE_SETUP, buildDesign, lecturePhonemes, lectureStateSpace, loadDesign, saveDesign, sequenceElbo } from '../../lib/sequence';

describe('the sequence lecture\'s setups', () => {
  it('draws the same data every time, in the stated shapes', () => {
    const s = lectureStateSpace();
    expect([s.train.length, s.train[0].length, s.train[0][0].length]).toEqual([STATE_SPACE_SETUP.train, STATE_SPACE_SETUP.steps, STATE_SPACE_SETUP.observed]);
    expect(lectureStateSpace().test[7]).toEqual(s.test[7]);
    const p = lecturePhonemes();
    expect([p.test.x.length, p.test.x[0].length]).toEqual([PHONEME_SETUP.test, PHONEME_SETUP.phonemes * PHONEME_SETUP.duration]);
  });

  it('rebuilds every design from its folder with the same bound, and names a design it does not know', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'designs-'));
    const x = tf.tensor3d(lectureStateSpace().test.slice(0, 4));
    for (const design of [...DESIGNS, 'delta VAE' as const]) {
      const config = { design, data: 10, latent: 2, width: 8, hidden: [8], likelihood: 'gaussian' as const, alpha: 0.5 };
      const model = buildDesign(config, Key.fromSeed(1));
      const folder = path.join(dir, design.replace(/ /g, '-'));
      saveDesign(folder, config, model, { note: 'test' });
      const loaded = loadDesign(folder);
      expect(loaded.meta.note).toBe('test');
      const bound = (m: typeof model) => tf.tidy(() => Array.from(sequenceElbo(m, x, Key.fromSeed(2)).dataSync()));
      expect(bound(loaded.model)).toEqual(bound(model));
      [model, loaded.model].forEach((m) => m.dispose());
    }
    x.dispose();
    expect(() => buildDesign({ design: 'kalman' as never, data: 1, latent: 1, width: 1, hidden: [], likelihood: 'gaussian' }, Key.fromSeed(1))).toThrow(/no design named 'kalman'/);
    expect(() => buildDesign({ design: 'delta VAE', data: 1, latent: 1, width: 1, hidden: [], likelihood: 'gaussian' }, Key.fromSeed(1))).toThrow(/alpha/);
  });
});
