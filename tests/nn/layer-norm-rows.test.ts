// Layer normalisation of rows as one taped operation (lib/nn/layer-norm-rows.ts): values and the
// gradients of the input, the gain and the bias equal those of the same formula in tfjs operations
// and autodiff, for widths that do and do not fill whole SIMD vectors; rows far from zero and
// nearly constant rows stay accurate; it computes what the Transformer's LayerNorm does;
// no tensors are left behind; a gain or bias of the wrong length gets a named error.
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import * as tf from '../../lib/core/tf';
import { Key, normal } from '../../lib/core/random';
import { ShapeError } from '../../lib/core/errors';
import { layerNormRows, layerNormRowsPlain } from '../../lib/nn/layer-norm-rows';
import { LayerNorm } from '../../lib/attention/layer-norm';
import { ourCallsOf } from '../../lib/engine/wasm-kernels';
import { ENGINE, expectClose, expectNoLeak, expectThrowsWithoutLeak, values } from '../helpers';

/** The normalised rows and the gradients of a weighted sum of them with respect to x, the gain and the bias. */
function evaluate(f: typeof layerNormRows, x: tf.Tensor2D, gain: tf.Tensor1D, bias: tf.Tensor1D, weights: tf.Tensor2D): number[][] {
  return tf.tidy(() => {
    const value = f(x, gain, bias, 1e-5);
    const grads = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(f(a as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5), weights)))([x, gain, bias]);
    return [value, ...grads].map(values);
  });
}

function inputs(seed: number, rows: number, width: number, offset = 0, scale = 2) {
  const k = Key.fromSeed(seed).split(4);
  return tf.tidy(() => [
    tf.add(tf.mul(normal(k[0], [rows, width]), scale), offset),
    tf.add(normal(k[1], [width]), 1),
    normal(k[2], [width]),
    normal(k[3], [rows, width]),
  ]) as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.Tensor2D];
}

describe('layer normalisation of rows as one operation', () => {
  it('gives the values and gradients of tfjs operations, whole vectors or not', () => {
    const calls = ourCallsOf('layerNormForward', 'layerNormBackward');
    fc.assert(fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 13 }), fc.integer({ min: 0, max: 1000 }), (rows, width, seed) => {
      const [x, gain, bias, w] = inputs(seed, rows, width);
      const ours = evaluate(layerNormRows, x, gain, bias, w);
      const plain = evaluate(layerNormRowsPlain, x, gain, bias, w);
      ours.forEach((v, i) => expectClose(v, plain[i], 1e-4, 1e-4));
      tf.dispose([x, gain, bias, w]);
    }), { numRuns: 60, seed: 7 });
    // forward twice per case (value, then under the gradient), backward once
    if (ENGINE) expect(ourCallsOf('layerNormForward', 'layerNormBackward') - calls).toBe(180);
  });

  it('stays accurate for rows far from zero and for nearly constant rows', () => {
    for (const [offset, scale] of [[1000, 1], [0, 1e-2], [-50, 30]]) {
      const [x, gain, bias, w] = inputs(3, 6, 64, offset, scale);
      const ours = evaluate(layerNormRows, x, gain, bias, w);
      const plain = evaluate(layerNormRowsPlain, x, gain, bias, w);
      // a row of values near 1000 keeps about 3 of float32's 7 digits for its deviations, in both
      ours.forEach((v, i) => expectClose(v, plain[i], offset === 1000 ? 2e-2 : 1e-3, 1e-3));
      tf.dispose([x, gain, bias, w]);
    }
  });

  it('computes what the Transformer\'s LayerNorm computes, on its rows, without leaking tensors', async () => {
    const norm = new LayerNorm(24, 'test-norm');
    const x = normal(Key.fromSeed(5), [2, 5, 24]);
    await expectNoLeak(() => {
      const y = tf.tidy(() => values(norm.apply(x)));
      const ours = tf.tidy(() => values(layerNormRows(tf.reshape(x, [10, 24]) as tf.Tensor2D, norm.gain, norm.bias, norm.epsilon)));
      expectClose(ours, y, 1e-5, 1e-4);
    });
    tf.dispose([x]);
    norm.dispose();
  });

  it('names a gain or bias of the wrong length', () => {
    const [x, short, good] = [tf.zeros([3, 4]), tf.ones([3]), tf.zeros([4])] as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];
    expectThrowsWithoutLeak(() => layerNormRows(x, short, good, 1e-5), ShapeError);
    expect(() => layerNormRows(x, good, short, 1e-5)).toThrow(/bias/);
    tf.dispose([x, short, good]);
  });
});
