// Bijections for normalizing flows: a fixed permutation, actnorm with data-dependent
// initialisation, and the affine coupling layer of RealNVP.
import * as tf from '../core/tf';
import { ParameterError } from '../core/errors';
import { Key } from '../core/random';
import { Mlp } from '../nn';
import { Bijection, Transformed, checkInput, constantLogDet } from './bijection';
import { variableFrom } from '../core/ops';
import { CouplingDirection, couplingTransform } from './coupling-op';

/** Reorders the coordinates; log-determinant 0. */
export function Permutation(perm: number[]): Bijection {
  const dim = perm.length;
  if ([...perm].sort((a, b) => a - b).some((v, i) => v !== i)) {
    throw new ParameterError(`[${perm}] is not a permutation of 0..${dim - 1}`, 'pass each index exactly once');
  }
  // a permutation matrix M with (x M)[:, i] = x[:, perm[i]]: matMul has a gradient on every
  // backend (gather's needs UnsortedSegmentSum, which the wasm backend lacks); M^T undoes it
  const rows = Array.from({ length: dim }, (_, r) => Array.from({ length: dim }, (_, i) => (perm[i] === r ? 1 : 0)));
  const forwardMatrix = tf.keep(tf.tensor2d(rows));
  const inverseMatrix = tf.keep(tf.transpose(forwardMatrix));
  const apply = (x: tf.Tensor2D, m: tf.Tensor2D, self: Bijection): Transformed => {
    checkInput(self, x);
    return tf.tidy(() => ({ value: tf.matMul(x, m) as tf.Tensor2D, logDet: tf.zeros([x.shape[0]]) as tf.Tensor1D }));
  };
  const self: Bijection = { name: 'Permutation', dim, variables: [], forward: (x) => apply(x, forwardMatrix, self), inverse: (y) => apply(y, inverseMatrix, self) };
  return self;
}

/**
 * Actnorm (Kingma and Dhariwal 2018): y = (x - shift) * exp(-logScale) per coordinate.
 * `initialize(x)` sets shift and logScale so that a batch comes out with zero mean and unit variance.
 */
export function ActNorm(dim: number): Bijection & { initialize(x: tf.Tensor2D): void } {
  const shift = variableFrom(() => tf.zeros([dim]));
  const logScale = variableFrom(() => tf.zeros([dim]));
  const self = {
    name: 'ActNorm', dim, variables: [shift, logScale],
    initialize(x: tf.Tensor2D) {
      checkInput(self, x);
      tf.tidy(() => {
        const { mean, variance } = tf.moments(x, 0);
        shift.assign(mean as tf.Tensor1D);
        logScale.assign(tf.mul(tf.log(tf.add(variance, 1e-6)), 0.5) as tf.Tensor1D);
      });
    },
    forward(x: tf.Tensor2D): Transformed {
      checkInput(self, x);
      return tf.tidy(() => ({
        value: tf.mul(tf.sub(x, shift), tf.exp(tf.neg(logScale))) as tf.Tensor2D,
        logDet: constantLogDet(x.shape[0], tf.neg(tf.sum(logScale))),
      }));
    },
    inverse(y: tf.Tensor2D): Transformed {
      checkInput(self, y);
      return tf.tidy(() => ({
        value: tf.add(tf.mul(y, tf.exp(logScale)), shift) as tf.Tensor2D,
        logDet: constantLogDet(y.shape[0], tf.sum(logScale)),
      }));
    },
  };
  return self;
}

/**
 * Affine coupling (Dinh et al. 2017): coordinates with mask 1 pass through and condition a scale and
 * shift for the others: y = m x + (1 - m) (x exp(s(m x)) + t(m x)). The scale is bounded by tanh so
 * that an untrained layer cannot blow up.
 */
export function AffineCoupling(mask: number[], hidden: number[], key: Key): Bijection {
  const dim = mask.length;
  if (!mask.every((m) => m === 0 || m === 1) || mask.every((m) => m === 1) || mask.every((m) => m === 0)) {
    throw new ParameterError(`mask [${mask}] must hold 0s and 1s, and both`, 'use a mask such as [1, 0] or alternate between layers');
  }
  const net = new Mlp({ sizes: [dim, ...hidden, 2 * dim], hidden: 'relu', output: 'linear' }, key, 'coupling');
  // the conditioner sees only the coordinates that pass through; couplingTransform does the rest in one taped step
  const apply = (input: tf.Tensor2D, direction: CouplingDirection, self: Bijection): Transformed => {
    checkInput(self, input);
    return tf.tidy(() => couplingTransform(input, net.apply(tf.mul(input, tf.tensor1d(mask)) as tf.Tensor2D), mask, direction));
  };
  const self: Bijection = {
    name: 'AffineCoupling', dim, variables: net.variables,
    forward: (x) => apply(x, 'forward', self),
    // the masked coordinates of y equal those of x, so s and t can be recomputed from y
    inverse: (y) => apply(y, 'inverse', self),
  };
  return self;
}
