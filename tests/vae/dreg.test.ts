// The two gradients of the importance-weighted bound: DReG's encoder gradient has the same mean as
// the plain reparameterized one (both are unbiased for the bound's gradient) and a smaller variance
// at many particles; the decoder gradients are the same estimator. Tolerances: Monte Carlo error.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key } from '../../lib/core/random';
import { Vae, iwaeSurrogate } from '../../lib/vae';
import { expectNoLeak } from '../helpers';

const vae = new Vae({ dataDim: 6, hidden: [8], latentDim: 2, activation: 'tanh' }, Key.fromSeed(3));
const x = tf.tile(tf.tensor2d([[1, 0, 1, 1, 0, 0], [0, 1, 1, 0, 0, 1]]), [200, 1]) as tf.Tensor2D;
const encoder = vae.encoder.variables, decoder = vae.decoder.variables;

/** Gradients of the surrogate over `groups` keys, flattened: one row per key. */
function gradients(estimator: 'iwae' | 'dreg', variables: tf.Variable[], particles: number, groups = 12): number[][] {
  return Array.from({ length: groups }, (_, g) => {
    const { value, grads } = tf.variableGrads(() => iwaeSurrogate(vae, x, Key.fromSeed(40).foldIn(g), particles, estimator), variables);
    const row = variables.flatMap((v) => Array.from(grads[v.name].dataSync()));
    tf.dispose([value, ...Object.values(grads)]);
    return row;
  });
}

const column = (rows: number[][], i: number) => rows.map((r) => r[i]);
const mean = (v: number[]) => v.reduce((s, a) => s + a, 0) / v.length;
const variance = (v: number[]) => { const m = mean(v); return v.reduce((s, a) => s + (a - m) ** 2, 0) / (v.length - 1); };

describe('IWAE and DReG gradients', () => {
  it('agree in mean for the encoder, and DReG varies less at 32 particles', () => {
    const plain = gradients('iwae', encoder, 32), dreg = gradients('dreg', encoder, 32);
    let worst = 0, plainVar = 0, dregVar = 0;
    for (let i = 0; i < plain[0].length; i++) {
      const a = column(plain, i), b = column(dreg, i);
      const se = Math.sqrt((variance(a) + variance(b)) / a.length);
      worst = Math.max(worst, Math.abs(mean(a) - mean(b)) / (se + 1e-9));
      plainVar += variance(a);
      dregVar += variance(b);
    }
    expect(worst).toBeLessThan(4.5);
    expect(dregVar).toBeLessThan(0.5 * plainVar);
  });

  it('give the decoder the same gradient for the same draws', () => {
    const plain = gradients('iwae', decoder, 8, 2), dreg = gradients('dreg', decoder, 8, 2);
    plain.forEach((row, g) => row.forEach((v, i) => expect(dreg[g][i]).toBeCloseTo(v, 4)));
  });

  it('refuses a bad estimator and leaks nothing', async () => {
    expect(() => iwaeSurrogate(vae, x, Key.fromSeed(1), 4, 'reinforce' as never)).toThrow(/unknown estimator 'reinforce'/);
    expect(() => iwaeSurrogate(vae, x, Key.fromSeed(1), 0, 'dreg')).toThrow(/particles = 0/);
    await expectNoLeak(() => tf.dispose(iwaeSurrogate(vae, x, Key.fromSeed(1), 4, 'dreg')));
  });
});
