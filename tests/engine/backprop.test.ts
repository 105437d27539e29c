// The engine's backward pass (lib/engine/backprop.ts): the same gradients as tfjs's Engine.gradients
// (bit for bit, but for the sign of a zero) on a recurrence that reuses its weights at every step,
// on several inputs with one unused, and a gradient of a gradient; one AddN per reused tensor
// instead of an Add per use; each input its own gradient tensor; tfjs's errors, word for word; no
// tensors left behind.
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { installBackprop, uninstallBackprop } from '../../lib/engine/backprop';
import { ENGINE, expectNoLeak, thrownMessage, values, withKernelNames, withoutThenWith } from '../helpers';

/** Runs f with tfjs's Engine.gradients, then with the engine's; each run's values and kernel names. */
function bothWays<T>(f: () => T, read: (out: T) => number[][]): { stock: number[][]; ours: number[][]; kernels: { stock: string[]; ours: string[] } } {
  const run = () => {
    const { out, names } = withKernelNames(f);
    return { v: read(out), names };
  };
  const { stock, engine: ours } = withoutThenWith(uninstallBackprop, installBackprop, run);
  return { stock: stock.v, ours: ours.v, kernels: { stock: stock.names, ours: ours.names } };
}

/** Equal as float32 values, +0 and -0 alike (AddN starts its sums from +0). */
function expectSameValues(ours: number[][], stock: number[][]): void {
  expect(ours.length).toBe(stock.length);
  ours.forEach((row, i) => {
    expect(row.length).toBe(stock[i].length);
    row.forEach((v, j) => { if (!(v === stock[i][j] || (Number.isNaN(v) && Number.isNaN(stock[i][j])))) expect(v, `entry ${i}, ${j}`).toBe(stock[i][j]); });
  });
}

const count = (names: string[], kernel: string) => names.filter((n) => n === kernel).length;

describe.runIf(ENGINE)('the engine\'s backward pass', () => {
  afterAll(() => installBackprop());

  it('gives tfjs\'s gradients for a recurrence, summing each reused weight\'s gradient once', async () => {
    const wx = tf.variable(tf.randomNormal([3, 6], 0, 0.5, 'float32', 1));
    const wh = tf.variable(tf.randomNormal([6, 6], 0, 0.5, 'float32', 2));
    const unused = tf.variable(tf.zeros([2]));
    const xs = tf.randomNormal([12, 4, 3], 0, 1, 'float32', 3);
    const loss = () => {
      let h = tf.zeros([4, 6]) as tf.Tensor2D;
      let total = tf.scalar(0);
      for (const x of tf.unstack(xs)) {
        h = tf.tanh(tf.add(tf.matMul(x as tf.Tensor2D, wx), tf.matMul(h, wh)));
        total = tf.add(total, tf.mean(tf.square(h)));
      }
      return total as tf.Scalar;
    };
    const run = () => tf.variableGrads(loss, [wx, wh, unused]);
    await expectNoLeak(() => {
      const { stock, ours, kernels } = bothWays(run, ({ value, grads }) => {
        expect(Object.keys(grads).sort()).toEqual([wh.name, wx.name].sort()); // the unused variable gets none
        const v = [values(value), values(grads[wx.name]), values(grads[wh.name])];
        tf.dispose([value, grads[wx.name], grads[wh.name]]);
        return v;
      });
      expectSameValues(ours, stock);
      // forward: two Adds a step. Backward, tfjs adds wx's and wh's 12 contributions one at a time (11 Adds
      // each) and h_1..h_11's two (one each); ours sums each of those 13 tensors with one AddN
      expect(count(kernels.stock, tf.Add)).toBe(24 + 11 + 11 + 11);
      expect(count(kernels.ours, tf.Add)).toBe(24);
      expect(count(kernels.ours, tf.AddN)).toBe(13);
    });
    tf.dispose([wx, wh, unused, xs]);
  });

  it('gives tfjs\'s gradient of a gradient', async () => {
    const x = tf.tensor1d([-1.2, 0.3, 2.5]);
    const f = (u: tf.Tensor) => tf.sum(tf.mul(tf.exp(tf.mul(u, 0.5)), tf.add(tf.square(u), u)));
    await expectNoLeak(() => {
      const { stock, ours } = bothWays(() => tf.grad((v: tf.Tensor) => tf.sum(tf.grad(f)(v)))(x), (g) => { const v = [values(g)]; g.dispose(); return v; });
      expectSameValues(ours, stock);
    });
    x.dispose();
  });

  it('returns each input its own gradient tensor when a gradient hands dy on unchanged', async () => {
    const a = tf.variable(tf.tensor1d([1, 2]));
    const b = tf.variable(tf.tensor1d([3, 4]));
    const dy = tf.tensor1d([0.5, -1]);
    await expectNoLeak(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.add(a, b)) as tf.Scalar, [a, b]);
      expect(grads[a.name]).not.toBe(grads[b.name]);
      grads[a.name].dispose();
      expect(values(grads[b.name])).toEqual([1, 1]);
      tf.dispose([value, grads[b.name]]);
      const g = tf.grad((x: tf.Tensor) => tf.add(x, tf.scalar(1)))(a, dy);
      expect(g).not.toBe(dy);
      expect(values(g)).toEqual([0.5, -1]);
      g.dispose();
    });
    tf.dispose([a, b, dy]);
  });

  it('raises tfjs\'s errors, word for word', () => {
    const x = tf.tensor1d([1, 2, 3]);
    const other = tf.tensor1d([4, 5, 6]);
    const cases = [
      () => tf.grad((v: tf.Tensor) => tf.sum(other))(x), // y does not depend on x
      () => tf.grad((v: tf.Tensor) => tf.sum(tf.topk(v, 2).values))(x), // TopK has no gradient
    ];
    for (const c of cases) {
      const { stock, engine } = withoutThenWith(uninstallBackprop, installBackprop, () => thrownMessage(c));
      expect(stock).not.toBe('no error');
      expect(engine).toBe(stock);
    }
    tf.dispose([x, other]);
  });

  it('leaves the tensor count flat over many steps', async () => {
    const w = tf.variable(tf.randomNormal([4, 4], 0, 1, 'float32', 4));
    const step = () => tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(tf.matMul(tf.matMul(w, w), w))) as tf.Scalar);
      w.assign(tf.sub(w, tf.mul(grads[w.name], 1e-4)));
      tf.dispose([value, grads[w.name]]);
    });
    step();
    await expectNoLeak(() => { for (let i = 0; i < 50; i++) step(); });
    w.dispose();
  });
});
