// Saved tensors as shared references (lib/engine/light-saves.ts): gradients bit for bit the same as
// with tfjs's own clones, first and second order (a gradient inside a gradient, including one whose
// backward pass runs through operations the outer gradient recorded), with no Identity kernel for a
// save, and no tensors left behind.
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { installLightSaves, lightSavesInstalled, uninstallLightSaves } from '../../lib/engine/light-saves';
import { logSumExp } from '../../lib/core/ops';
import { ENGINE, expectClose, expectNoLeak, values, withKernelNames, withoutThenWith } from '../helpers';

/** Runs f with tfjs's own clones, then with the shared references; returns both results' values. */
function bothWays(f: () => tf.Tensor[]): { stock: number[][]; light: number[][] } {
  const { stock, engine } = withoutThenWith(uninstallLightSaves, installLightSaves, () => {
    const out = f();
    const v = out.map(values);
    tf.dispose(out);
    return v;
  });
  return { stock, light: engine };
}

/** Identity kernels run at any depth (inside other kernels too) while f runs. */
const identityCalls = (f: () => void): number => withKernelNames(f).names.filter((n) => n === tf.Identity).length;

describe.runIf(ENGINE)('saved tensors as shared references', () => {
  afterAll(() => installLightSaves());

  it('is installed by the engine', () => {
    expect(lightSavesInstalled()).toBe(true);
  });

  it('gives the same gradients as tfjs\'s clones, bit for bit, without an Identity kernel per save', async () => {
    const w1 = tf.variable(tf.randomNormal([5, 8], 0, 0.5, 'float32', 1));
    const w2 = tf.variable(tf.randomNormal([8, 3], 0, 0.5, 'float32', 2));
    const x = tf.randomNormal([7, 5], 0, 1, 'float32', 3);
    const loss = () => {
      const h = tf.tanh(tf.add(tf.matMul(x, w1), 0.1));
      const logits = tf.reshape(tf.mul(tf.matMul(h, w2), tf.exp(tf.sum(w1, 0, true).slice([0, 0], [1, 3]))), [7, 3]);
      return tf.mean(tf.sub(logSumExp(logits, 1), tf.sum(tf.square(h), 1))) as tf.Scalar;
    };
    const grads = () => { const { value, grads: g } = tf.variableGrads(loss); return [value, g[w1.name], g[w2.name]]; };
    await expectNoLeak(() => {
      const { stock, light } = bothWays(grads);
      stock.forEach((s, i) => expect(light[i]).toEqual(s));
      const calls = withoutThenWith(uninstallLightSaves, installLightSaves, () => identityCalls(() => tf.dispose(grads())));
      expect(calls.stock).toBeGreaterThan(10);
      expect(calls.engine).toBe(0);
    });
    tf.dispose([w1, w2, x]);
  });

  it('keeps a gradient of a gradient exact, also through operations the outer gradient recorded', async () => {
    const x = tf.tensor1d([-1.5, 0.5, 2]);
    // d/dx sum(x^3 sin x): the inner gradient's backward pass is recorded by the outer one
    const plain = () => [tf.grad((v: tf.Tensor) => tf.sum(tf.grad((u: tf.Tensor) => tf.sum(tf.mul(tf.pow(u, 3), tf.sin(u))))(v)))(x)];
    // z = x^2 is taped by the outer gradient; the inner one, of sum(z x) = sum(x^3) in x, runs back through
    // it using what it saved: 3x^2, whose gradient is 6x, needs those saves on the tape
    const throughOuter = () => [tf.grad((v: tf.Tensor) => {
      const z = tf.mul(v, v);
      return tf.sum(tf.grad((u: tf.Tensor) => tf.sum(tf.mul(z, u)))(v));
    })(x)];
    await expectNoLeak(() => {
      for (const f of [plain, throughOuter]) {
        const { stock, light } = bothWays(f);
        expect(light).toEqual(stock);
      }
      const xs = values(x);
      expectClose(bothWays(throughOuter).light[0], xs.map((v) => 6 * v), 1e-5, 1e-5);
      const d2 = (v: number) => 6 * v * Math.sin(v) + 6 * v * v * Math.cos(v) - v * v * v * Math.sin(v);
      expectClose(bothWays(plain).light[0], xs.map(d2), 1e-4, 1e-4);
    });
    x.dispose();
  });

  it('leaves the tensor count flat over many gradient steps', async () => {
    const w = tf.variable(tf.randomNormal([4, 4], 0, 1, 'float32', 4));
    const step = () => tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(tf.matMul(w, tf.reshape(tf.add(w, 1), [4, 4])))) as tf.Scalar);
      w.assign(tf.sub(w, tf.mul(grads[w.name], 1e-3)));
      tf.dispose([value, grads[w.name]]);
    });
    step();
    await expectNoLeak(() => { for (let i = 0; i < 50; i++) step(); });
    w.dispose();
  });
});
