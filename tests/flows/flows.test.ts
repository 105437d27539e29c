import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key, normal } from '../../lib/core/random';
import { ShapeError } from '../../lib/core/errors';
import { ActNorm, AffineCoupling, Bijection, Flow, LULinear, LogitTransform, MaskedAutoregressive, Permutation, Planar, Radial, compose, invert, madeMasks } from '../../lib/flows';
import { ParameterError } from '../../lib/core/errors';
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
    LULinear(3, Key.fromSeed(6)),
    LULinear(3, Key.fromSeed(0), [[0, 2, 1], [1, 0, 0], [0.5, -1, 3]]),
    MaskedAutoregressive(3, [16, 16], Key.fromSeed(7)),
    Planar(3, Key.fromSeed(8), { u: [1.5, -0.5, 2], w: [0.8, 1.1, -0.4], b: 0.3 }),
    Planar(3, Key.fromSeed(8), { u: [-3, 1, 0], w: [1, 0.5, 0], b: -0.2 }), // w.u < -1: u_hat must restore invertibility
    Radial(3, Key.fromSeed(9), { center: [0.2, -0.1, 0.4], alpha: 0.7, beta: 1.5 }),
    Radial(3, Key.fromSeed(9), { center: [-0.3, 0.1, 0], alpha: 0.9, beta: -0.6 }),
    invert(MaskedAutoregressive(3, [8], Key.fromSeed(10))),
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
    expect(() => LULinear(2, Key.fromSeed(0), [[1, 2], [2, 4]])).toThrow(/singular/);
    expect(() => LULinear(2, Key.fromSeed(0), [[1, 2, 3], [2, 4, 5]])).toThrow(ShapeError);
    expect(() => Planar(2, Key.fromSeed(0), { u: [1, 0], w: [0, 0], b: 0 })).toThrow(/nonzero w/);
    expect(() => Radial(2, Key.fromSeed(0), { center: [0, 0], alpha: 1, beta: -1.5 })).toThrow(ParameterError);
    expect(() => Radial(2, Key.fromSeed(0), { center: [0, 0], alpha: 0, beta: 1 })).toThrow(/alpha > 0/);
    expect(() => MaskedAutoregressive(4, [2], Key.fromSeed(0))).toThrow(/too small/);
    expect(() => LogitTransform(2).forward(tf.tensor2d([[0.5, 1.2]]))).toThrow(/outside \[0, 1\]/);
    expect(() => LogitTransform(2, 0.7)).toThrow(ParameterError);
  });

  it('LogitTransform inverts and its log-determinant matches autodiff', () => {
    const b = LogitTransform(3, 0.05);
    const x = tf.tensor2d([[0.1, 0.5, 0.97], [0, 1, 0.3]]);
    const f = b.forward(x);
    const g = b.inverse(f.value);
    expectClose(values(g.value), values(x), 1e-5);
    expect(values(f.logDet)[0]).toBeCloseTo(autodiffLogDet(b, [0.1, 0.5, 0.97]), 4);
    tf.dispose([x, f.value, f.logDet, g.value, g.logDet]);
  });

  it('MADE masks make output i depend only on inputs before i (the Jacobian is triangular)', () => {
    const masks = madeMasks(4, [7, 5]);
    // connectivity from input i to output j = product of the masks along every path
    const reach = masks.reduce((acc, m) => acc.map((row) => m[0].map((_, k) => (row.some((v, j) => v > 0 && m[j][k] > 0) ? 1 : 0))), masks[0].map((_, i) => masks[0].map((__, j) => (i === j ? 1 : 0))));
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        // mu_j (column j) and alpha_j (column 4 + j) may see input i only when i < j
        expect(reach[i][j]).toBe(i < j ? 1 : 0);
        expect(reach[i][4 + j]).toBe(i < j ? 1 : 0);
      }
    }
    const b = MaskedAutoregressive(3, [12], Key.fromSeed(3));
    const x = tf.tensor2d([[0.3, -1, 2]]);
    for (let out = 0; out < 3; out++) {
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.slice(b.forward(v as tf.Tensor2D).value, [0, out], [1, 1])))(x);
      const row = values(g);
      for (let i = out + 1; i < 3; i++) expect(row[i]).toBe(0);
      expect(Math.abs(row[out])).toBeGreaterThan(0);
      g.dispose();
    }
    x.dispose();
  });
});

describe('Flow', () => {
  const h = 0.05;
  const grid: number[][] = [];
  for (let a = -8; a < 8; a += h) for (let b = -8; b < 8; b += h) grid.push([a + h / 2, b + h / 2]);
  const flows: [string, () => Flow][] = [
    ['coupling', () => new Flow(compose('f', [AffineCoupling([1, 0], [16], Key.fromSeed(1)), AffineCoupling([0, 1], [16], Key.fromSeed(2))]))],
    ['MAF + LU', () => new Flow(compose('f', [MaskedAutoregressive(2, [16], Key.fromSeed(1)), LULinear(2, Key.fromSeed(2)), MaskedAutoregressive(2, [16], Key.fromSeed(3))]))],
    ['planar + radial', () => new Flow(invert(compose('f', [Planar(2, Key.fromSeed(1), { u: [1, 0.5], w: [1, -1], b: 0 }), Radial(2, Key.fromSeed(2), { center: [0.5, 0], alpha: 0.5, beta: 1 })])))],
  ];
  for (const [name, make] of flows) {
    it(`${name}: the density integrates to 1 on a 2-D grid`, () => {
      const flow = make();
      const mass = tf.tidy(() => tf.sum(tf.exp(flow.logProb(tf.tensor2d(grid)))).dataSync()[0] * h * h);
      expect(Math.abs(mass - 1)).toBeLessThan(1e-2);
    });
  }

  it('sampleWithLogProb agrees with logProb at the samples', () => {
    const flow = flows[2][1]();
    const { x, logProb } = flow.sampleWithLogProb(Key.fromSeed(4), 50);
    expectClose(values(flow.logProb(x)), values(logProb), 1e-4, 1e-4);
  });

  it('reverse KL fits an unnormalized correlated Gaussian: the bound reaches log Z from below', async () => {
    // target exp(-x^T A x / 2) with A = Sigma^-1, Sigma = [[1, 0.8], [0.8, 1]]: log Z = log(2 pi) + 0.5 log det Sigma
    const det = 1 - 0.64;
    const logZ = Math.log(2 * Math.PI) + 0.5 * Math.log(det);
    const logTarget = (x: tf.Tensor2D) => tf.tidy(() => {
      const [a, b] = tf.split(x, 2, 1);
      return tf.reshape(tf.div(tf.sub(tf.add(tf.square(a), tf.square(b)), tf.mul(1.6, tf.mul(a, b))), -2 * det), [-1]) as tf.Tensor1D;
    });
    const flow = new Flow(compose('f', [AffineCoupling([1, 0], [16], Key.fromSeed(1)), AffineCoupling([0, 1], [16], Key.fromSeed(2))]));
    const optimizer = tf.train.adam(1e-2);
    const key = Key.fromSeed(5);
    const before = -tf.tidy(() => flow.reverseKl(key, 4000, logTarget).dataSync()[0]);
    const counts: number[] = [];
    await train(key, (k) => flow.reverseKl(k, 256, logTarget), { steps: 300, optimizer, variables: flow.variables, progress: 'off', onStep: () => { counts.push(tf.memory().numTensors); } });
    expect(new Set(counts.slice(1)).size, 'tensor count changes during training').toBe(1);
    const after = -tf.tidy(() => flow.reverseKl(Key.fromSeed(99), 4000, logTarget).dataSync()[0]);
    expect(before).toBeLessThan(logZ - 0.1);
    expect(after).toBeLessThan(logZ + 0.02); // a bound, up to Monte Carlo error
    expect(after).toBeGreaterThan(logZ - 0.03);
    optimizer.dispose();
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
