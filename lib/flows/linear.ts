// An invertible linear map y = x W with W = P L U (Kingma and Dhariwal 2018): P a fixed permutation,
// L unit lower triangular, U upper triangular with diagonal sign * exp(logScale), so that
// log |det W| = sum(logScale) costs O(dim) and W can never become singular while training.
import * as tf from '../core/tf';
import { checkInt, checkShape } from '../core/errors';
import { Key } from '../core/random';
import * as matrix from '../linalg/matrix';
import { Bijection, Transformed, checkInput, constantLogDet } from './bijection';
import { variableFrom } from '../core/ops';

/**
 * `initial` is the starting W (it must be invertible); by default a random rotation drawn with `key`,
 * as in Glow. The inverse is computed in float64 on the JavaScript side and carries no gradient.
 */
export function LULinear(dim: number, key: Key, initial?: matrix.Matrix): Bijection & { weight(): tf.Tensor2D } {
  checkInt('dim', dim, 1);
  let w0 = initial;
  if (w0 === undefined) {
    const g = key.normals(dim * dim);
    w0 = matrix.orthonormalRows(Array.from({ length: dim }, (_, i) => Array.from(g.subarray(i * dim, (i + 1) * dim))));
  }
  checkShape('LULinear initial matrix', [w0.length, w0[0]?.length ?? 0], [dim, dim]);
  const { perm, lower, upper } = matrix.luDecompose(w0); // P W = L U, so W = P^T L U
  const permT = tf.keep(tf.tensor2d(perm.map((_, r) => perm.map((p) => (p === r ? 1 : 0)))));
  const strictLower = tf.keep(tf.tensor2d(lower.map((row, i) => row.map((_, j) => (j < i ? 1 : 0)))));
  const strictUpper = tf.keep(tf.transpose(strictLower));
  const eye = tf.keep(tf.eye(dim));
  const sign = tf.keep(tf.tensor1d(upper.map((row, i) => Math.sign(row[i]))));
  const lowerVar = variableFrom(() => tf.tensor2d(lower), true);
  const upperVar = variableFrom(() => tf.tensor2d(upper), true);
  const logScale = variableFrom(() => tf.tensor1d(upper.map((row, i) => Math.log(Math.abs(row[i])))), true);

  const factors = () => ({
    l: tf.add(tf.mul(lowerVar, strictLower), eye) as tf.Tensor2D,
    u: tf.add(tf.mul(upperVar, strictUpper), tf.diag(tf.mul(sign, tf.exp(logScale)))) as tf.Tensor2D,
  });
  const weight = () => tf.tidy(() => {
    const { l, u } = factors();
    return tf.matMul(tf.matMul(permT, l), u) as tf.Tensor2D;
  });

  const self = {
    name: 'LULinear', dim, variables: [lowerVar, upperVar, logScale] as tf.Variable[], weight,
    forward(x: tf.Tensor2D): Transformed {
      checkInput(self, x);
      return tf.tidy(() => ({ value: tf.matMul(x, weight()) as tf.Tensor2D, logDet: constantLogDet(x.shape[0], tf.sum(logScale)) }));
    },
    inverse(y: tf.Tensor2D): Transformed {
      checkInput(self, y);
      return tf.tidy(() => {
        const { l, u } = factors();
        const toMatrix = (t: tf.Tensor2D) => t.arraySync() as matrix.Matrix;
        // W^-1 = U^-1 L^-1 P
        const inv = matrix.matmul(matrix.matmul(matrix.inverseTriangular(toMatrix(u), false), matrix.inverseTriangular(toMatrix(l), true)), matrix.transpose(toMatrix(permT)));
        return { value: tf.matMul(y, tf.tensor2d(inv)) as tf.Tensor2D, logDet: constantLogDet(y.shape[0], tf.neg(tf.sum(logScale))) };
      });
    },
  };
  return self;
}
