// FlatAdam runs tf.train.adam's arithmetic in one pass of our wasm module per variable (on the wasm
// backend) or on packed vectors of tfjs kernels (elsewhere): the same weights, bit for bit.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key } from '../../lib/core/random';
import { ParameterError, ShapeError } from '../../lib/core/errors';
import { PACK_BELOW, adam } from '../../lib/core/adam';
import { Mlp } from '../../lib/nn';
import { ENGINE, expectClose } from '../helpers';

/** Weights after `steps` steps; sizes 480, 19200 and 600 (whole SIMD vectors), 160, 120 and 5 (a 1-value tail). */
function trainTwice(steps: number, make: () => tf.Optimizer): number[][] {
  const net = new Mlp({ sizes: [3, 160, 120, 5], hidden: 'tanh', output: 'linear' }, Key.fromSeed(1));
  const x = tf.randomNormal([32, 3], 0, 1, 'float32', 2) as tf.Tensor2D;
  const y = tf.randomNormal([32, 5], 0, 1, 'float32', 3);
  const optimizer = make();
  for (let s = 0; s < steps; s++) optimizer.minimize(() => tf.mean(tf.square(tf.sub(net.apply(x), y))) as tf.Scalar, false, net.variables);
  const weights = net.variables.map((v) => Array.from(v.dataSync()));
  optimizer.dispose();
  net.dispose();
  tf.dispose([x, y]);
  return weights;
}

describe('FlatAdam', () => {
  it.runIf(ENGINE)('on wasm, updates a variable without any of tfjs\'s arithmetic kernels (our pass does it)', async () => {
    expect(tf.getBackend()).toBe('wasm');
    const probe = tf.variable(tf.tensor1d([1, 2, 3]));
    const gradient = tf.tensor1d([1, -1, 0]);
    const optimizer = adam(0.5);
    const info = await tf.profile(() => optimizer.applyGradients({ [probe.name]: gradient }));
    expect(info.kernels.map((k) => k.name).filter((k) => ['Multiply', 'Add', 'RealDiv', 'Sqrt', 'Square'].includes(k))).toEqual([]);
    // Adam's first step moves each weight by the learning rate against the gradient's sign (none for 0)
    Array.from(probe.dataSync()).forEach((v, i) => expect(v).toBeCloseTo([0.5, 2.5, 3][i], 5));
    tf.dispose([probe, gradient]);
    optimizer.dispose();
  });

  it('gives tf.train.adam\'s weights to the last bit (one wasm pass per variable), and keeps the tensor count flat', () => {
    const before = tf.memory().numTensors;
    const ours = trainTwice(25, () => adam(1e-2));
    expect(tf.memory().numTensors).toBe(before);
    const reference = trainTwice(25, () => tf.train.adam(1e-2));
    expect(ours.length).toBe(6);
    expect(ours.filter((w) => w.length >= PACK_BELOW).length).toBe(1); // the 160 x 120 weight
    ours.forEach((w, i) => expect(w).toEqual(reference[i]));
    // and training moved them: the comparison is not between two untouched initialisations
    const untouched = trainTwice(0, () => adam(1e-2));
    expect(ours[0]).not.toEqual(untouched[0]);
  });

  it('gives tf.train.adam\'s weights to the last bit off wasm too (tfjs kernels, small variables packed)', async () => {
    const backend = tf.getBackend();
    await tf.setBackend('cpu');
    try {
      const ours = trainTwice(10, () => adam(1e-2));
      const reference = trainTwice(10, () => tf.train.adam(1e-2));
      ours.forEach((w, i) => expect(w).toEqual(reference[i]));
    } finally {
      await tf.setBackend(backend);
    }
  });

  it('keeps one moment history per variable trained in two overlapping sets, the same on wasm and off it', async () => {
    // two phases share the variable b (tf.train.adam would key moments by position in the set and mix b's with a's)
    const init = [0, 1, 2].map((i) => Array.from(tf.tidy(() => tf.randomNormal([7], 0, 1, 'float32', 10 + i).dataSync())));
    const lr = 0.05;
    const phases = () => {
      const [a, b, c] = init.map((v) => tf.variable(tf.tensor1d(v)));
      const optimizer = adam(lr);
      for (let s = 0; s < 6; s++) {
        optimizer.minimize(() => tf.sum(tf.square(tf.sub(tf.mul(a, b), 1))) as tf.Scalar, false, [a, b]);
        optimizer.minimize(() => tf.sum(tf.square(tf.add(b, tf.sin(c)))) as tf.Scalar, false, [b, c]);
      }
      const weights = [a, b, c].map((v) => Array.from(v.dataSync()));
      optimizer.dispose();
      tf.dispose([a, b, c]);
      return weights;
    };
    // the same by hand in double precision: moments per variable, one bias correction per optimizer step
    const w = init.map((v) => v.slice());
    const m = w.map((v) => v.map(() => 0));
    const v2 = w.map((v) => v.map(() => 0));
    let t = 0;
    const step = (grads: [number, number[]][]) => {
      t++;
      for (const [k, g] of grads) g.forEach((gi, i) => {
        m[k][i] = 0.9 * m[k][i] + 0.1 * gi;
        v2[k][i] = 0.999 * v2[k][i] + 0.001 * gi * gi;
        w[k][i] -= (lr * (m[k][i] / (1 - 0.9 ** t))) / (Math.sqrt(v2[k][i] / (1 - 0.999 ** t)) + 1e-7);
      });
    };
    for (let s = 0; s < 6; s++) {
      const r = w[0].map((ai, i) => 2 * (ai * w[1][i] - 1));
      step([[0, r.map((ri, i) => ri * w[1][i])], [1, r.map((ri, i) => ri * w[0][i])]]);
      const q = w[1].map((bi, i) => 2 * (bi + Math.sin(w[2][i])));
      step([[1, q], [2, q.map((qi, i) => qi * Math.cos(w[2][i]))]]);
    }
    const here = phases();
    const backend = tf.getBackend();
    await tf.setBackend(backend === 'cpu' ? 'wasm' : 'cpu');
    let there: number[][];
    try {
      there = phases();
    } finally {
      await tf.setBackend(backend);
    }
    here.forEach((weights, i) => expectClose(weights, w[i], 1e-4, 1e-4));
    here.forEach((weights, i) => expectClose(there[i], weights, 1e-6, 1e-6));
  });

  it('names a gradient whose size does not match its variable, before changing any variable', () => {
    const a = tf.variable(tf.tensor1d([1, 2]));
    const b = tf.variable(tf.tensor1d([3]));
    const g = tf.tensor1d([1, 1, 1]);
    const ok = tf.tensor1d([1]);
    const optimizer = adam(0.1);
    expect(() => optimizer.applyGradients({ [b.name]: ok, [a.name]: g })).toThrow(ShapeError);
    expect(() => optimizer.applyGradients({ [a.name]: g })).toThrow(/float32 \[3\], its variable float32 \[2\]/);
    expect(() => optimizer.applyGradients({ 'no such variable': ok })).toThrow(/no variable is named no such variable/);
    expect(Array.from(a.dataSync())).toEqual([1, 2]);
    expect(Array.from(b.dataSync())).toEqual([3]);
    tf.dispose([a, b, g, ok]);
    optimizer.dispose();
  });

  it('keeps separate moments for separate sets of variables and leaves a variable without gradient alone', () => {
    const a = tf.variable(tf.tensor1d([1, 2]));
    const b = tf.variable(tf.tensor1d([3]));
    const optimizer = adam(0.1);
    const g = tf.tensor1d([1, 1]);
    optimizer.applyGradients({ [a.name]: g, [b.name]: null as unknown as tf.Tensor });
    expect(Array.from(b.dataSync())).toEqual([3]);
    // Adam's first step moves each weight by the learning rate against the gradient's sign
    Array.from(a.dataSync()).forEach((v, i) => expect(v).toBeCloseTo([0.9, 1.9][i], 5));
    // b's own moments start at zero, while the bias correction counts the optimizer's steps (2)
    optimizer.applyGradients({ [b.name]: tf.tensor1d([-2]) });
    const m = 0.1 * -2 / (1 - 0.9 ** 2);
    const v = 0.001 * 4 / (1 - 0.999 ** 2);
    expect(b.dataSync()[0]).toBeCloseTo(3 - 0.1 * m / (Math.sqrt(v) + 1e-7), 5);
    tf.dispose([a, b, g]);
    optimizer.dispose();
  });

  it('rejects hyperparameters out of range with a named error', () => {
    expect(() => adam(-1)).toThrow(ParameterError);
    expect(() => adam(1e-3, 1)).toThrow(/beta1 = 1 is out of range/);
  });
});
