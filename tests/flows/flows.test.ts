import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key, normal } from '../../lib/core/random';
import { ShapeError } from '../../lib/core/errors';
import { ActNorm, AffineCoupling, Bijection, Flow, Permutation, compose } from '../../lib/flows';
import { train } from '../../lib/core/train';
import { matrix } from '../../lib/models';
import { expectClose, expectNoLeak, values } from '../helpers';

/** log |det J| of the forward map at one point, by autodiff, row by row. */
function autodiffLogDet(b: Bijection, x: number[]): number {
  const xt = tf.tensor2d([x]);
  const rows = x.map((_, j) => tf.tidy(() => Array.from(tf.grad((v: tf.Tensor) => tf.sum(tf.slice(b.forward(v as tf.Tensor2D).value, [0, j], [1, 1])))(xt).dataSync())));
  xt.dispose();
  // |det| via LU with partial pivoting, in double precision
  const a = rows.map((r) => r.slice());
  let logDet = 0;
  for (let c = 0; c < a.length; c++) {
    let p = c;
    for (let r = c + 1; r < a.length; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    logDet += Math.log(Math.abs(a[c][c]));
    for (let r = c + 1; r < a.length; r++) {
      const f = a[r][c] / a[c][c];
      for (let k = c; k < a.length; k++) a[r][k] -= f * a[c][k];
    }
  }
  return logDet;
}

function layers(): Bijection[] {
  const act = ActNorm(3);
  act.initialize(tf.tidy(() => tf.add(tf.mul(normal(Key.fromSeed(9), [64, 3]), 2), 1) as tf.Tensor2D));
  return [
    Permutation([2, 0, 1]),
    act,
    AffineCoupling([1, 0, 1], [16], Key.fromSeed(3)),
    compose('stack', [AffineCoupling([1, 1, 0], [8], Key.fromSeed(4)), Permutation([1, 2, 0]), AffineCoupling([0, 1, 0], [8], Key.fromSeed(5))]),
  ];
}

describe('bijections', () => {
  const x = tf.tidy(() => normal(Key.fromSeed(1), [5, 3]) as tf.Tensor2D);
  for (const b of layers()) {
    it(`${b.name}: inverse(forward(x)) = x, log-determinants cancel and match autodiff`, async () => {
      await expectNoLeak(() => {
        const f = b.forward(x);
        const g = b.inverse(f.value);
        expectClose(values(g.value), values(x), 1e-5, 1e-5);
        expectClose(tf.tidy(() => values(tf.add(f.logDet, g.logDet))), [0, 0, 0, 0, 0], 1e-5);
        const point = tf.tidy(() => Array.from(x.slice([0, 0], [1, 3]).dataSync()));
        expect(values(f.logDet)[0]).toBeCloseTo(autodiffLogDet(b, point), 4);
        tf.dispose([f.value, f.logDet, g.value, g.logDet]);
      });
    });
  }

  it('bad masks, permutations and shapes get named errors', () => {
    expect(() => Permutation([0, 0, 1])).toThrow(/not a permutation/);
    expect(() => AffineCoupling([1, 1], [4], Key.fromSeed(0))).toThrow(/both/);
    expect(() => Permutation([1, 0]).forward(tf.ones([2, 3]) as tf.Tensor2D)).toThrow(ShapeError);
  });
});

describe('Flow', () => {
  it('its density integrates to 1 on a 2-D grid', () => {
    const flow = new Flow(compose('f', [AffineCoupling([1, 0], [16], Key.fromSeed(1)), AffineCoupling([0, 1], [16], Key.fromSeed(2))]));
    const h = 0.05;
    const grid: number[][] = [];
    for (let a = -8; a < 8; a += h) for (let b = -8; b < 8; b += h) grid.push([a + h / 2, b + h / 2]);
    const mass = tf.tidy(() => tf.sum(tf.exp(flow.logProb(tf.tensor2d(grid)))).dataSync()[0] * h * h);
    expect(Math.abs(mass - 1)).toBeLessThan(1e-2);
  });

  it('fits a correlated Gaussian by maximum likelihood without leaking tensors', async () => {
    const chol = [[1, 0], [1.6, 0.6]]; // covariance [[1, 1.6], [1.6, 2.92]]
    const data = tf.tidy(() => tf.matMul(normal(Key.fromSeed(2), [512, 2]), tf.tensor2d(matrix.transpose(chol))) as tf.Tensor2D);
    const flow = new Flow(compose('f', [AffineCoupling([1, 0], [32], Key.fromSeed(3)), AffineCoupling([0, 1], [32], Key.fromSeed(4)), AffineCoupling([1, 0], [32], Key.fromSeed(5))]));
    const optimizer = tf.train.adam(3e-3);
    const counts: number[] = [];
    const r = await train(Key.fromSeed(6), () => flow.forwardKl(data), { steps: 400, optimizer, variables: flow.variables, progress: 'off', onStep: () => { counts.push(tf.memory().numTensors); } });
    expect(new Set(counts.slice(1)).size).toBe(1);
    // the negative log-likelihood cannot go below the data entropy 0.5 log det(2 pi e Sigma), det Sigma = (L11 L22)^2
    const entropy = 0.5 * Math.log((2 * Math.PI * Math.E) ** 2 * (chol[0][0] * chol[1][1]) ** 2);
    expect(r.losses[0]).toBeGreaterThan(entropy + 0.3);
    expect(r.losses[r.losses.length - 1]).toBeLessThan(entropy + 0.15);
    optimizer.dispose();
    data.dispose();
  });
});
