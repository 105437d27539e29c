// A masked autoregressive flow layer (Papamakarios et al. 2017) built on MADE (Germain et al. 2015):
// one network whose weight masks make output i depend only on inputs before i, so that
//   z_i = (x_i - mu_i(x_<i)) exp(-alpha_i(x_<i))
// is computed for all i in one pass (the density direction), with log det = -sum_i alpha_i. The
// inverse needs one pass per coordinate, because x_i needs x_<i first.
import * as tf from '../core/tf';
import { ParameterError, checkInt } from '../core/errors';
import { Key } from '../core/random';
import { affine, glorotUniform } from '../nn/dense';
import { madeMasks, masksFromDegrees } from '../nn/masked-mlp';
import { Bijection, checkInput } from './bijection';
import { variableFrom } from '../core/ops';

export { madeMasks, masksFromDegrees };

export function MaskedAutoregressive(dim: number, hidden: number[], key: Key): Bijection {
  checkInt('dim', dim, 2);
  if (hidden.some((h) => h < dim - 1)) {
    throw new ParameterError(`hidden sizes [${hidden}] are too small for ${dim} inputs`, `use hidden layers of at least ${dim - 1} units so every input can reach later outputs`);
  }
  const sizes = [dim, ...hidden, 2 * dim];
  const masks = madeMasks(dim, hidden).map((m) => tf.keep(tf.tensor2d(m)));
  const keys = key.split(sizes.length - 1);
  const weights = keys.map((k, l) => variableFrom(() => glorotUniform(k, sizes[l], sizes[l + 1]), true));
  const biases = sizes.slice(1).map((s) => variableFrom(() => tf.zeros([s]), true));
  const shiftAndLogScale = (x: tf.Tensor2D) => {
    let h = x;
    weights.forEach((w, l) => {
      h = affine(h, tf.mul(w, masks[l]) as tf.Tensor2D, biases[l] as tf.Tensor1D);
      if (l < weights.length - 1) h = tf.relu(h);
    });
    const [mu, raw] = tf.split(h, 2, 1);
    return { mu, alpha: tf.mul(tf.tanh(tf.div(raw, 3)), 3) }; // |alpha| < 3 keeps an untrained layer tame
  };
  const self: Bijection = {
    name: 'MaskedAutoregressive', dim, variables: [...weights, ...biases],
    forward(x) {
      checkInput(self, x);
      return tf.tidy(() => {
        const { mu, alpha } = shiftAndLogScale(x);
        return { value: tf.mul(tf.sub(x, mu), tf.exp(tf.neg(alpha))) as tf.Tensor2D, logDet: tf.neg(tf.sum(alpha, 1)) as tf.Tensor1D };
      });
    },
    inverse(z) {
      checkInput(self, z);
      return tf.tidy(() => {
        // after pass i, coordinates 0..i are exact, since output i only reads inputs before i
        let x = tf.zerosLike(z) as tf.Tensor2D;
        let alpha: tf.Tensor = tf.zerosLike(z);
        for (let i = 0; i < dim; i++) {
          const p = shiftAndLogScale(x);
          x = tf.add(tf.mul(z, tf.exp(p.alpha)), p.mu) as tf.Tensor2D;
          alpha = p.alpha;
        }
        return { value: x, logDet: tf.sum(alpha, 1) as tf.Tensor1D };
      });
    },
  };
  return self;
}
