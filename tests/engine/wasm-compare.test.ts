// The engine's comparison kernels give the booleans tfjs's own give, for every broadcast they take.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { initBackend } from '../../lib/core/backend';
import { ourKernelCalls } from '../../lib/engine/wasm-kernels';
import { ENGINE, onWasmAndCpu } from '../helpers';

const COMPARISONS: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
  [tf.Less, tf.less], [tf.Greater, tf.greater], [tf.LessEqual, tf.lessEqual],
  [tf.GreaterEqual, tf.greaterEqual], [tf.Equal, tf.equal], [tf.NotEqual, tf.notEqual],
];

/** Values with ties, signed zeros, infinities and NaN, so that every outcome of every comparison occurs. */
function values(n: number, offset: number, dtype: 'float32' | 'int32'): number[] {
  const special = [0, -0, 1, -1, Infinity, -Infinity, NaN, 0.5, 2];
  return Array.from({ length: n }, (_, i) => (dtype === 'int32' ? ((i * 7 + offset) % 5) - 2 : special[(i * 5 + offset) % special.length]));
}

describe.skipIf(!ENGINE)('comparison kernels on wasm', () => {
  it('equal tfjs cpu for same shapes, scalars, rows and columns on either side, float32 (with NaN) and int32, without leaking', async () => {
    expect(await initBackend({ quiet: true })).toBe('wasm');
    const layouts: [number[], number[]][] = [
      [[30, 17], [30, 17]], [[30, 17], []], [[], [30, 17]], [[30, 17], [17]], [[17], [30, 17]],
      [[30, 17], [30, 1]], [[30, 1], [30, 17]], [[2, 3, 4], [3, 4]], [[1000], [1000]],
    ];
    const before = { ...ourKernelCalls };
    for (const dtype of ['float32', 'int32'] as const) {
      for (const [sa, sb] of layouts) {
        const na = sa.reduce((p, s) => p * s, 1), nb = sb.reduce((p, s) => p * s, 1);
        for (const [name, op] of COMPARISONS) {
          const run = () => {
            const a = tf.tensor(values(na, 0, dtype), sa, dtype), b = tf.tensor(values(nb, 3, dtype), sb, dtype);
            const y = op(a, b);
            const out = { shape: y.shape, dtype: y.dtype, values: Array.from(y.dataSync()) };
            tf.dispose([a, b, y]);
            return out;
          };
          const { wasm, cpu } = await onWasmAndCpu(run);
          expect(wasm, `${name} of ${dtype} [${sa}] and [${sb}]`).toEqual(cpu);
        }
      }
    }
    for (const [name] of COMPARISONS) expect(ourKernelCalls[name] - (before[name] ?? 0), `calls of our ${name}`).toBe(2 * layouts.length);
  });
});
