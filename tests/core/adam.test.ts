// FlatAdam runs tf.train.adam's arithmetic on one packed vector: the same weights, bit for bit.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key } from '../../lib/core/random';
import { ParameterError } from '../../lib/core/errors';
import { PACK_BELOW, adam } from '../../lib/core/adam';
import { Mlp } from '../../lib/nn';

function trainTwice(steps: number, make: () => tf.Optimizer): number[][] {
  const net = new Mlp({ sizes: [3, 160, 120, 2], hidden: 'tanh', output: 'linear' }, Key.fromSeed(1));
  const x = tf.randomNormal([32, 3], 0, 1, 'float32', 2) as tf.Tensor2D;
  const y = tf.randomNormal([32, 2], 0, 1, 'float32', 3);
  const optimizer = make();
  for (let s = 0; s < steps; s++) optimizer.minimize(() => tf.mean(tf.square(tf.sub(net.apply(x), y))) as tf.Scalar, false, net.variables);
  const weights = net.variables.map((v) => Array.from(v.dataSync()));
  optimizer.dispose();
  net.dispose();
  tf.dispose([x, y]);
  return weights;
}

describe('FlatAdam', () => {
  it('gives tf.train.adam\'s weights to the last bit (packed small and separate large variables), and keeps the tensor count flat', () => {
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
