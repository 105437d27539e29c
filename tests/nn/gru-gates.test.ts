// A gated recurrent unit's gates as one taped operation (lib/nn/gru-gates.ts): values and the
// gradients of all three inputs equal those of the same step in tfjs operations and autodiff, for
// widths that do and do not fill whole SIMD vectors; saturated gates stay finite; a GruCell's run
// (its input projected for all steps at once) equals the step-by-step recurrence in tfjs operations,
// gradients of its weights included; no tensors are left behind; bad shapes get named errors.
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import * as tf from '../../lib/core/tf';
import { Key, normal } from '../../lib/core/random';
import { ShapeError } from '../../lib/core/errors';
import { GruCell } from '../../lib/nn';
import { gruGates, gruGatesPlain } from '../../lib/nn/gru-gates';
import { ourCallsOf } from '../../lib/engine/wasm-kernels';
import { ENGINE, expectClose, expectNoLeak, expectThrowsWithoutLeak, values } from '../helpers';

/** The step's value and the gradients of a weighted sum of it with respect to gx, gh and h. */
function evaluate(f: typeof gruGates, gx: tf.Tensor2D, gh: tf.Tensor2D, h: tf.Tensor2D, weights: tf.Tensor2D): number[][] {
  return tf.tidy(() => {
    const value = f(gx, gh, h);
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor2D, b as tf.Tensor2D, c as tf.Tensor2D), weights)))([gx, gh, h]);
    return [value, ...grads].map(values);
  });
}

function inputs(seed: number, rows: number, width: number, scale = 1.5) {
  const k = Key.fromSeed(seed).split(4);
  return [normal(k[0], [rows, 3 * width]), normal(k[1], [rows, 3 * width]), normal(k[2], [rows, width]), normal(k[3], [rows, width])]
    .map((t, i) => (i < 3 ? tf.mul(t, scale) : t)) as tf.Tensor2D[];
}

describe('the GRU gates as one operation', () => {
  it('give the value and gradients of tfjs operations, whole vectors or not', () => {
    const calls = ourCallsOf('gruForward', 'gruBackward');
    fc.assert(fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 13 }), fc.integer({ min: 0, max: 1000 }), (rows, width, seed) => {
      const [gx, gh, h, w] = inputs(seed, rows, width);
      const ours = evaluate(gruGates, gx, gh, h, w);
      const plain = evaluate(gruGatesPlain, gx, gh, h, w);
      ours.forEach((v, i) => expectClose(v, plain[i], 2e-6, 2e-5));
      tf.dispose([gx, gh, h, w]);
    }), { numRuns: 60, seed: 7 });
    // forward twice per case (value, then under the gradient) and backward once
    if (ENGINE) expect(ourCallsOf('gruForward', 'gruBackward') - calls).toBe(180);
  });

  it('stays finite where the gates saturate', () => {
    const [gx, gh, h, w] = inputs(3, 4, 6, 60);
    const ours = evaluate(gruGates, gx, gh, h, w);
    const plain = evaluate(gruGatesPlain, gx, gh, h, w);
    ours.forEach((v, i) => {
      expect(v.every(Number.isFinite)).toBe(true);
      expectClose(v, plain[i], 1e-6, 1e-5);
    });
    tf.dispose([gx, gh, h, w]);
  });

  it('names a projection of the wrong shape', () => {
    const [gx, gh, h, narrow, tall] = [tf.zeros([2, 9]), tf.zeros([2, 9]), tf.zeros([2, 3]), tf.zeros([2, 8]), tf.zeros([3, 9])] as tf.Tensor2D[];
    expectThrowsWithoutLeak(() => gruGates(narrow, gh, h), ShapeError);
    expect(() => gruGates(gx, tall, h)).toThrow(/state projection/);
    tf.dispose([gx, gh, h, narrow, tall]);
  });
});

/** A GruCell's recurrence written out with tfjs operations alone: the reference for `run`. */
function plainRun(cell: GruCell, x: tf.Tensor3D, h0: tf.Tensor2D): tf.Tensor3D {
  const dense = (d: GruCell['input'], v: tf.Tensor2D) => tf.add(tf.matMul(v, d.variables[0]), d.variables[1]) as tf.Tensor2D;
  let h = h0;
  const states = (tf.unstack(x, 1) as tf.Tensor2D[]).map((xt) => (h = gruGatesPlain(dense(cell.input, xt), dense(cell.recurrent, h), h)));
  return tf.stack(states, 1) as tf.Tensor3D;
}

describe('a GRU cell on the fused gates', () => {
  it('runs a sequence as the step-by-step recurrence does, with the same weight gradients, and leaves nothing behind', async () => {
    const cell = new GruCell(5, 7, Key.fromSeed(1), 'gru-test');
    const x = normal(Key.fromSeed(2), [4, 6, 5]) as tf.Tensor3D;
    const h0 = tf.mul(normal(Key.fromSeed(3), [4, 7]), 0.5) as tf.Tensor2D;
    const target = normal(Key.fromSeed(4), [4, 6, 7]);
    const loss = (run: () => tf.Tensor3D) => () => tf.sum(tf.mul(run(), target)) as tf.Scalar;
    await expectNoLeak(() => tf.tidy(() => {
      const ours = tf.variableGrads(loss(() => cell.run(x, h0).states), cell.variables);
      const plain = tf.variableGrads(loss(() => plainRun(cell, x, h0)), cell.variables);
      expectClose(values(ours.value), values(plain.value), 1e-5, 1e-5);
      for (const v of cell.variables) expectClose(values(ours.grads[v.name]), values(plain.grads[v.name]), 1e-5, 1e-4);
      // one step alone is the same step
      expectClose(values(cell.step(tf.squeeze(tf.slice(x, [0, 0, 0], [4, 1, 5]), [1]) as tf.Tensor2D, h0)),
        values(tf.squeeze(tf.slice(plainRun(cell, x, h0), [0, 0, 0], [4, 1, 7]), [1])), 1e-6, 1e-5);
    }));
    tf.dispose([x, h0, target]);
    cell.dispose();
  });
});
