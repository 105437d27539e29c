// The engine's gradients of Add, Sub, Multiply, Square, Sum, Mean, Tanh, Sigmoid and Relu (lib/engine/lean-gradients.ts):
// the same bits as tfjs's own on random shapes, broadcasts, axes and keepDims (and, as tfjs, no
// second derivative through tanh and sigmoid), with no Cast kernel, no tensor of ones, and one
// kernel for an activation's gradient, no reshape of dy to its own shape; no tensors left behind.
import { afterAll, describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import * as tf from '../../lib/core/tf';
import { installLeanGradients, uninstallLeanGradients } from '../../lib/engine/lean-gradients';
import { ENGINE, expectNoLeak, thrownMessage, values, withKernelNames, withoutThenWith } from '../helpers';

/** The gradients of f at the inputs, with tfjs's registered gradients and then with the engine's. */
function bothWays(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[]): { stock: number[][]; lean: number[][]; kernels: { stock: string[]; lean: string[] } } {
  const run = () => {
    const { out: v, names } = withKernelNames(() => {
      const gs = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), tf.range(1, 1 + f(...xs).size).reshape(f(...xs).shape))))(inputs);
      const read = gs.map(values);
      tf.dispose(gs);
      return read;
    });
    return { v, names };
  };
  const { stock, engine: lean } = withoutThenWith(uninstallLeanGradients, installLeanGradients, run);
  return { stock: stock.v, lean: lean.v, kernels: { stock: stock.names, lean: lean.names } };
}

// a shape and a second shape that broadcasts against it (some axes 1, some leading axes dropped)
const broadcastPair = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }).chain((shape) => fc.tuple(
  fc.constant(shape),
  fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
  fc.integer({ min: 0, max: shape.length - 1 })).map(([s, ones, drop]) => [s, s.map((d, i) => (ones[i] ? 1 : d)).slice(drop)] as [number[], number[]]));

describe.runIf(ENGINE)('the engine\'s gradients of Add, Sub, Multiply, Square, Sum, Mean, Tanh, Sigmoid and Relu', () => {
  afterAll(() => installLeanGradients());

  it('are tfjs\'s gradients bit for bit, for any broadcast, axis and keepDims', async () => {
    await expectNoLeak(() => fc.assert(fc.property(broadcastPair, fc.boolean(), fc.integer({ min: 0, max: 1e6 }), ([sa, sb], swap, seed) => {
      const [a, b] = [tf.randomNormal(swap ? sb : sa, 0, 1, 'float32', seed), tf.randomNormal(swap ? sa : sb, 0, 1, 'float32', seed + 1)];
      const axis = seed % (sa.length + 1) === sa.length ? undefined : seed % sa.length;
      const keep = seed % 2 === 0;
      const cases: [(...xs: tf.Tensor[]) => tf.Tensor, tf.Tensor[]][] = [
        [(x, y) => tf.add(x, y), [a, b]],
        [(x, y) => tf.sub(x, y), [a, b]],
        [(x, y) => tf.mul(x, y), [a, b]],
        [(x) => tf.square(x), [a]],
        [(x) => tf.sum(x, axis, keep), [swap ? b : a]], // shaped sa either way, which `axis` fits
        [(x) => tf.mean(x, axis, keep), [swap ? b : a]],
        [(x) => tf.tanh(tf.mul(x, 3)), [a]],
        [(x) => tf.sigmoid(tf.mul(x, 3)), [a]],
        [(x) => tf.relu(tf.mul(x, 3)), [a]],
      ];
      for (const [f, xs] of cases) {
        const { stock, lean } = bothWays(f, xs);
        expect(lean).toEqual(stock);
      }
      tf.dispose([a, b]);
    }), { numRuns: 60, seed: 5 }));
  });

  it('run no Cast, make no ones, and take one kernel for an activation\'s gradient', () => {
    const a = tf.randomNormal([6, 5], 0, 1, 'float32', 1);
    const b = tf.randomNormal([1, 5], 0, 1, 'float32', 2);
    const { kernels } = bothWays((x, y) => tf.mean(tf.square(tf.mul(x, y)), 0), [a, b]);
    expect(kernels.stock.filter((k) => k === tf.Cast).length).toBeGreaterThan(0);
    expect(kernels.lean.filter((k) => k === tf.Cast)).toEqual([]);
    expect(kernels.lean.length).toBeLessThan(kernels.stock.length);
    for (const activation of [tf.tanh, tf.sigmoid]) {
      // tfjs's (1 - y^2) dy and dy (y (1 - y)) subtract; ours is one kernel that does not
      const both = bothWays((x) => activation(x), [a]).kernels;
      expect(both.stock.filter((k) => k === tf.Sub).length).toBe(1);
      expect(both.lean.filter((k) => k === tf.Sub)).toEqual([]);
    }
    // tfjs's dy times a cast of step(x) ends its backward pass with Step, Cast and Multiply; ours is
    // one kernel of our own, outside tfjs's registry
    const relu = bothWays((x) => tf.relu(x), [a]).kernels;
    expect(relu.stock.slice(-3)).toEqual([tf.Step, tf.Cast, tf.Multiply]);
    expect(relu.lean.filter((k) => k === tf.Step || k === tf.Cast)).toEqual([]);
    // dy handed on to both inputs of a sum of equal shapes: tfjs reshapes it for each
    const sum = bothWays((x, y) => tf.add(x, y), [a, tf.onesLike(a)]).kernels;
    expect(sum.stock.filter((k) => k === tf.Reshape).length - sum.lean.filter((k) => k === tf.Reshape).length).toBe(2);
    tf.dispose([a, b]);
  });

  it('give the ReLU\'s gradient tfjs\'s bits at zeros, NaNs, infinities and negative dy, on every lane of the vector loop and its tail', () => {
    // 11 values: two vectors of four and a tail of three; dy's negative entries keep a signed zero
    const x = tf.tensor1d([0, -0, NaN, Infinity, -Infinity, 1e-30, -1e-30, 2, -3, NaN, 0.5]);
    const dy = tf.tensor1d([-1, -2, 3, -Infinity, Infinity, -0, 5, NaN, -7, -8, Infinity]);
    const run = () => {
      const g = tf.grad((u: tf.Tensor) => tf.sum(tf.mul(tf.relu(u), dy)))(x);
      const bits = Array.from(new Uint32Array(g.dataSync().buffer.slice(0)));
      g.dispose();
      return bits;
    };
    const { stock, engine } = withoutThenWith(uninstallLeanGradients, installLeanGradients, run);
    expect(engine).toEqual(stock);
    tf.dispose([x, dy]);
  });

  it('leave a gradient of a gradient through tanh and sigmoid as tfjs has it', () => {
    // tfjs saves an operation's output before it tapes the operation, so a second derivative
    // through a gradient made from outputs finds no path: the same error either way
    const x = tf.tensor1d([-2.5, -0.3, 0.1, 1.7]);
    for (const activation of [tf.tanh, tf.sigmoid]) {
      const second = () => tf.grad((u: tf.Tensor) => tf.sum(tf.grad((w: tf.Tensor) => tf.sum(activation(w)))(u)))(x);
      const { stock, engine } = withoutThenWith(uninstallLeanGradients, installLeanGradients, () => thrownMessage(() => second().dispose()));
      expect(stock).toMatch(/Cannot compute gradient/);
      expect(engine).toBe(stock);
    }
    x.dispose();
  });
});
