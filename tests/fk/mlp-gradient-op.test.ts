import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import * as tf from '../../lib/core/tf';
import { Key, normal } from '../../lib/core/random';
import { ShapeError } from '../../lib/core/errors';
import { ScalarMlp, pairDifferenceMatrix, pairSeparations, pairs } from '../../lib/fk';
import { tanhMlpInputGradient } from '../../lib/fk/mlp-gradient-op';
import { expectClose, expectNoLeak, values } from '../helpers';

/** The op's gradient and the tangent path's, and the gradients of sum(c * g) through each, in x and every weight. */
function bothPaths(inputs: number, hidden: number[], rows: number, seed: number) {
  const mlp = new ScalarMlp(inputs, hidden, Key.fromSeed(seed), 1);
  const [kx, kc] = Key.fromSeed(seed + 1).split(2);
  const x = tf.variable(normal(kx, [rows, inputs]));
  const c = normal(kc, [rows, inputs]);
  const used = [x, ...mlp.weights, ...mlp.biases.slice(0, -1)]; // the output bias is not in any gradient
  const run = (g: (x: tf.Tensor2D) => tf.Tensor2D) => {
    const value = values(g(x as tf.Variable<tf.Rank.R2>));
    const { value: loss, grads } = tf.variableGrads(() => tf.sum(tf.mul(g(x as tf.Variable<tf.Rank.R2>), c)) as tf.Scalar, used);
    const out = { value, grads: used.map((v) => values(grads[v.name])) };
    tf.dispose([loss, ...Object.values(grads)]);
    return out;
  };
  const op = run((v) => mlp.gradient(v));
  const reference = run((v) => mlp.tangentGradient(v));
  tf.dispose([x, c, ...mlp.variables]);
  return { op, reference };
}

describe('tanh MLP input gradient as one op', () => {
  it('computes the tangent path\'s values and second derivatives, in x and every weight', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 4 }), fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 3 }),
      fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 1000 }), (inputs, hidden, rows, seed) => {
        const { op, reference } = bothPaths(inputs, hidden, rows, seed);
        expectClose(op.value, reference.value, 1e-5, 1e-4);
        op.grads.forEach((g, i) => expectClose(g, reference.grads[i], 1e-5, 1e-4));
      }), { numRuns: 25, seed: 7 });
  });

  it('matches at the sizes the lectures use, and leaves no tensors behind', async () => {
    const { op, reference } = bothPaths(1, [32, 32], 512, 3);
    expectClose(op.value, reference.value, 1e-5, 1e-4);
    op.grads.forEach((g, i) => expectClose(g, reference.grads[i], 1e-4, 1e-3));
    const mlp = new ScalarMlp(2, [8, 8], Key.fromSeed(4));
    const x = normal(Key.fromSeed(5), [16, 2]) as tf.Tensor2D;
    await expectNoLeak(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(mlp.gradient(x))) as tf.Scalar, mlp.variables.slice(0, -1));
      tf.dispose([value, ...Object.values(grads)]);
      mlp.gradient(x).dispose();
    });
    tf.dispose([x, ...mlp.variables]);
  });

  it('names inconsistent layers', () => {
    const x = tf.zeros([4, 2]) as tf.Tensor2D;
    const w = (a: number, b: number) => tf.zeros([a, b]) as tf.Tensor2D;
    const b = (n: number) => tf.zeros([n]) as tf.Tensor1D;
    expect(() => tanhMlpInputGradient(x, [w(2, 3), w(3, 1)], [b(3), b(1)])).toThrow(/2 weight matrices and 2 biases/);
    expect(() => tanhMlpInputGradient(x, [w(3, 3), w(3, 1)], [b(3)])).toThrow(/weight 1 has shape \[3,\s?3\], expected \[2, 3\]/);
    expect(() => tanhMlpInputGradient(x, [w(2, 3), w(3, 2)], [b(3)])).toThrow(ShapeError);
    expect(() => tanhMlpInputGradient(tf.zeros([4]) as unknown as tf.Tensor2D, [w(2, 3), w(3, 1)], [b(3)])).toThrow(/not \[batch, inputs\]/);
  });
});

describe('pair separations', () => {
  it('are r_i - r_j for every pair, in pairs() order, with their squared lengths', () => {
    for (const [particles, dim] of [[2, 2], [3, 2], [4, 3], [1, 2]]) {
      const r = normal(Key.fromSeed(particles * 10 + dim), [5, particles * dim]) as tf.Tensor2D;
      const rows = r.arraySync();
      const { separations, squared } = pairSeparations(r, particles, dim);
      const all = pairs(particles);
      const expected = rows.map((row) => all.flatMap(([i, j]) => Array.from({ length: dim }, (_, c) => row[i * dim + c] - row[j * dim + c])));
      expect(separations.shape).toEqual([5, all.length * dim]);
      expectClose(values(separations), expected.flat(), 1e-6, 0);
      expectClose(values(squared), expected.map((d) => all.map((_, p) => d.slice(p * dim, p * dim + dim).reduce((s, v) => s + v * v, 0))).flat(), 1e-5, 1e-5);
      tf.dispose([r, separations, squared]);
    }
    const m = pairDifferenceMatrix(3, 1, 2);
    expect(m.arraySync()).toEqual([[2, 2, 0], [-2, 0, 2], [0, -2, -2]]);
    m.dispose();
    expect(() => pairSeparations(tf.zeros([2, 5]) as tf.Tensor2D, 3, 2)).toThrow(ShapeError);
  });
});
