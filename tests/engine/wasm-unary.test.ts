// Our Exp, Tanh and Softplus on the wasm heap (lib/engine/wasm-unary.ts): within a few units in the
// last place of the double-precision values over their whole float32 range, the special values
// (signed zeros, infinities, NaN, overflow and the subnormals) as the functions have them, every
// length's tail, and gradients through them.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { ourCallsOf } from '../../lib/engine/wasm-kernels';
import { ENGINE, expectClose, expectNoLeak, values } from '../helpers';

const unaryCalls = () => ourCallsOf(tf.Exp, tf.Tanh, tf.Softplus);

const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const FUNCTIONS: [string, (t: tf.Tensor) => tf.Tensor, (x: number) => number, number, number][] = [
  ['exp', tf.exp, Math.exp, -110, 90], ['tanh', tf.tanh, Math.tanh, -12, 12], ['softplus', tf.softplus, softplus, -110, 110]];

/** The largest error of `got` in units of the last place of the float32 nearest each exact value. */
function worstUlps(got: ArrayLike<number>, xs: Float32Array, exact: (x: number) => number): number {
  let worst = 0;
  for (let i = 0; i < xs.length; i++) {
    const e = exact(xs[i]);
    if (!Number.isFinite(Math.fround(e))) { // beyond float32's range: the overflow must be infinite
      if (got[i] !== Math.fround(e)) return Infinity;
      continue;
    }
    const ulp = Math.max(Math.abs(Math.fround(e)) * 2 ** -23, 2 ** -149);
    worst = Math.max(worst, Math.abs(got[i] - e) / ulp);
  }
  return worst;
}

describe('exp, tanh and softplus on our kernels', () => {
  it.runIf(ENGINE).each(FUNCTIONS)('%s is within 3 units in the last place over its range, and near zero, through our kernel', (_, f, exact, lo, hi) => {
    const calls = unaryCalls();
    for (const [a, b] of [[lo, hi], [-1e-3, 1e-3], [-0.7, 0.7]]) {
      const n = 100003; // not a multiple of 4: the tail goes through the same code
      const xs = Float32Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
      const got = tf.tidy(() => f(tf.tensor1d(xs)).dataSync());
      expect(worstUlps(got, xs, exact)).toBeLessThan(3);
    }
    expect(unaryCalls() - calls).toBe(3);
  });

  it('keep the special values', () => {
    const special = [NaN, Infinity, -Infinity, 0, -0, 89, -104, 1e-30, -1e-30];
    tf.tidy(() => {
      const [e, t, s] = [tf.exp, tf.tanh, tf.softplus].map((f) => Array.from(f(tf.tensor1d(special)).dataSync()));
      expect(e).toEqual([NaN, Infinity, 0, 1, 1, Infinity, 0, 1, 1]);
      expect(t.slice(0, 7)).toEqual([NaN, 1, -1, 0, -0, 1, -1]);
      expect(Object.is(t[4], -0)).toBe(true);
      expect(t[7]).toBe(Math.fround(1e-30));
      expect(s.slice(0, 7)).toEqual([NaN, Infinity, 0, Math.fround(Math.LN2), Math.fround(Math.LN2), 89, Math.fround(Math.exp(-104))]);
    });
  });

  it('handle every short length and leave other dtypes to tfjs', async () => {
    await expectNoLeak(() => tf.tidy(() => {
      for (let n = 1; n <= 9; n++) {
        const xs = Array.from({ length: n }, (_, i) => i - 3.5);
        expectClose(values(tf.tanh(tf.tensor1d(xs))), xs.map(Math.tanh), 1e-6, 1e-6);
      }
      const calls = unaryCalls();
      expectClose(values(tf.exp(tf.tensor1d([1, 2], 'int32'))), [Math.E, Math.E ** 2], 1e-5, 1e-6);
      expect(unaryCalls()).toBe(calls);
    }));
  });

  it('give the gradients of the functions', () => {
    tf.tidy(() => {
      const xs = [-3, -0.5, 0.2, 1.7];
      const grad = (f: (t: tf.Tensor) => tf.Tensor) => values(tf.grad((t: tf.Tensor) => tf.sum(f(t)))(tf.tensor1d(xs)));
      expectClose(grad(tf.exp), xs.map(Math.exp), 1e-5, 1e-6);
      expectClose(grad(tf.tanh), xs.map((x) => 1 - Math.tanh(x) ** 2), 1e-5, 1e-6);
      expectClose(grad(tf.softplus), xs.map((x) => 1 / (1 + Math.exp(-x))), 1e-5, 1e-6);
    });
  });
});
