// The weights in data/vae-mnist are the ones lectures 1, 7 and 8 build on: check that they load,
// say how they were made, and meet the lecture's target on test images.
import { describe, expect, it } from 'vitest';
import { Key } from '../../lib/core/random';
import { loadMnist } from '../../lib/data';
import { Vae, binarizedTestSet, evaluateElbo, evaluateIwae } from '../../lib/vae';

describe('shipped VAE weights (data/vae-mnist)', () => {
  it('record their provenance and reach a test negative ELBO below 95 nats, and the recorded IWAE is measured again', async () => {
    const { vae, meta } = Vae.load('data/vae-mnist');
    expect(meta.script).toBe('scripts/train-vae.ts');
    expect(meta.steps).toBeGreaterThan(0);
    expect(meta.testElbo as number).toBeGreaterThan(-95);
    const test = binarizedTestSet(loadMnist().test);
    const elbo = evaluateElbo(vae, test, Key.fromSeed(1), 3000);
    expect(-elbo.mean).toBeLessThan(95);
    // the script's full-test figure and this subset agree within 4 standard errors
    expect(Math.abs(elbo.mean - (meta.testElbo as number))).toBeLessThan(4 * elbo.stderr + 0.5);
    // the record's IWAE (k = 1000 on 2,000 images) measured again with k = 100 on 200 of them: the
    // smaller k lowers the bound by well under a nat, the subset moves the mean by its standard error
    const iwae = await evaluateIwae(vae, test, Key.fromSeed(2), 100, 200);
    expect(iwae.mean).toBeGreaterThan(-91);
    expect(Math.abs(iwae.mean - (meta.testIwae as number))).toBeLessThan(4 * iwae.stderr + 1);
    vae.dispose();
  });
});

describe('a refused weights folder', () => {
  it('leaves no tensor behind when Vae.load fails', async () => {
    const fs = await import('fs');
    const os = await import('os');
    const path = await import('path');
    const tf = await import('../../lib/core/tf');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vae-'));
    fs.copyFileSync('data/vae-mnist/weights.json', path.join(dir, 'weights.json'));
    fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.alloc(16));
    const before = tf.memory().numTensors;
    expect(() => Vae.load(dir)).toThrow(/has 16 bytes/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
