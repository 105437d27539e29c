// The reference a code length is compared with (lib/coding/rate-reference.ts): the ELBO averaged
// over draws, and errors that predict what they claim to: one coding's error is the spread of a
// one-draw (KL drawn) ELBO over keys, and the total is both errors together.
import { describe, expect, it } from 'vitest';
import { Key } from '../../lib/core/random';
import { loadMnist } from '../../lib/data';
import { Vae, binarizedTestSet, evaluateElbo } from '../../lib/vae';
import { rateReference } from '../../lib/coding';
import { expectNoLeak } from '../helpers';

describe('the rate reference', () => {
  it('gives a one-draw error that predicts the spread of one-draw estimates, and the two errors together', async () => {
    const vae = new Vae({ dataDim: 784, hidden: [32], latentDim: 4 }, Key.fromSeed(1));
    const test = binarizedTestSet(loadMnist().test);
    await expectNoLeak(() => {
      const r = rateReference(vae, test, { elbo: Key.fromSeed(2), coder: Key.fromSeed(3) }, 4, 200);
      expect(r.error).toBeCloseTo(Math.hypot(r.elboError, r.codingError), 12);
      expect(r.elboError).toBeCloseTo(r.elbo.drawStderr / Math.abs(r.elbo.mean), 12);
      const means = Array.from({ length: 12 }, (_, i) => evaluateElbo(vae, test, Key.fromSeed(20 + i), 200, 500, 'mc').mean);
      const centre = means.reduce((s, m) => s + m, 0) / means.length;
      const spread = Math.sqrt(means.reduce((s, m) => s + (m - centre) ** 2, 0) / (means.length - 1)) / Math.abs(r.elbo.mean);
      expect(spread / r.codingError).toBeGreaterThan(0.5);
      expect(spread / r.codingError).toBeLessThan(2);
    });
    vae.dispose();
  });
});
