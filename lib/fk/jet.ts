// Second-order forward mode for fields of the walkers' coordinates. A Jet holds k scalar fields of
// r in R^D on a batch of n walkers: their values, their gradients and their Laplacians. The local
// energy E_L = V - (Delta log psi + |grad log psi|^2) / 2 then needs no second-order autodiff, and the
// Laplacian is exact (no finite differences), which matters next to the Coulomb cusps.
import * as tf from '../core/tf';
import { checkShape } from '../core/errors';
import { particle } from './potentials';

// a type, not an interface, so that tf.tidy accepts it as a TensorContainer
export type Jet = {
  /** [n, k] */
  value: tf.Tensor2D;
  /** [D, n, k]: the derivative of each field along each coordinate. */
  grad: tf.Tensor3D;
  /** [n, k] */
  lap: tf.Tensor2D;
};

/** The D coordinates themselves as D fields: gradient the identity, Laplacian 0. */
export function coordinatesJet(r: tf.Tensor2D): Jet {
  return tf.tidy(() => {
    const [n, D] = r.shape;
    return { value: tf.clone(r), grad: tf.tile(tf.expandDims(tf.eye(D), 1), [1, n, 1]) as tf.Tensor3D, lap: tf.zeros([n, D]) as tf.Tensor2D };
  });
}

/** Columns of the full [n, D] gradient: `blocks[i]` ([n, dim]) for particle i, zeros for the others, as [D, n, 1]. */
function particleGradient(n: number, particles: number, dim: number, blocks: Map<number, tf.Tensor2D>): tf.Tensor3D {
  const cols = Array.from({ length: particles }, (_, i) => blocks.get(i) ?? tf.zeros([n, dim]));
  return tf.expandDims(tf.transpose(tf.concat(cols, 1)), 2) as tf.Tensor3D;
}

/**
 * |r_i - target| (or its square when `squared`), where the target is a fixed point or another particle j.
 * Laplacians: Delta |x| = (dim - 1) / |x| and Delta |x|^2 = 2 dim for each particle that moves.
 */
export function distanceJet(r: tf.Tensor2D, i: number, target: { point: number[] } | { particle: number }, dim: number, squared = false): Jet {
  return tf.tidy(() => {
    const [n, D] = r.shape;
    const particles = D / dim;
    const other = 'particle' in target ? particle(r, target.particle, dim) : tf.tensor1d(target.point);
    const d = tf.sub(particle(r, i, dim), other) as tf.Tensor2D;
    const d2 = tf.sum(tf.square(d), 1, true) as tf.Tensor2D;
    const movers = 'particle' in target ? 2 : 1;
    const dist = tf.sqrt(d2) as tf.Tensor2D;
    const g = squared ? tf.mul(d, 2) as tf.Tensor2D : tf.div(d, dist) as tf.Tensor2D; // the gradient with respect to r_i
    const blocks = new Map([[i, g]]);
    if ('particle' in target) blocks.set(target.particle, tf.neg(g));
    return {
      value: squared ? d2 : dist,
      grad: particleGradient(n, particles, dim, blocks),
      lap: squared ? tf.fill([n, 1], 2 * dim * movers) as tf.Tensor2D : tf.div(movers * (dim - 1), dist) as tf.Tensor2D,
    };
  });
}

/** f(u) column-wise, given f, f' and f'' as functions of the value: grad = f' grad u, Delta = f' Delta u + f'' |grad u|^2. */
export function mapJet(u: Jet, f: (x: tf.Tensor) => tf.Tensor, df: (x: tf.Tensor) => tf.Tensor, d2f: (x: tf.Tensor) => tf.Tensor): Jet {
  return tf.tidy(() => {
    const slope = df(u.value);
    return {
      value: f(u.value) as tf.Tensor2D,
      grad: tf.mul(u.grad, slope) as tf.Tensor3D,
      lap: tf.add(tf.mul(slope, u.lap), tf.mul(d2f(u.value), tf.sum(tf.square(u.grad), 0))) as tf.Tensor2D,
    };
  });
}

/** u W + b for W: [k, m], b: [m]; linear, so the gradient and Laplacian go through W alone. */
export function linearJet(u: Jet, w: tf.Tensor2D, b?: tf.Tensor1D): Jet {
  return tf.tidy(() => {
    const [D, n, k] = u.grad.shape;
    const value = tf.matMul(u.value, w);
    return {
      value: (b ? tf.add(value, b) : value) as tf.Tensor2D,
      grad: tf.reshape(tf.matMul(tf.reshape(u.grad, [D * n, k]), w), [D, n, w.shape[1]]) as tf.Tensor3D,
      lap: tf.matMul(u.lap, w) as tf.Tensor2D,
    };
  });
}

/** tanh: f' = 1 - tanh^2, f'' = -2 tanh (1 - tanh^2). */
export function tanhJet(u: Jet): Jet {
  return tf.tidy(() => {
    const h = tf.tanh(u.value);
    const slope = tf.sub(1, tf.square(h));
    return {
      value: h as tf.Tensor2D,
      grad: tf.mul(u.grad, slope) as tf.Tensor3D,
      lap: tf.add(tf.mul(slope, u.lap), tf.mul(tf.mul(tf.mul(h, slope), -2), tf.sum(tf.square(u.grad), 0))) as tf.Tensor2D,
    };
  });
}

/** The fields side by side: k = the sum of the parts' k. */
export function concatJets(parts: Jet[]): Jet {
  return tf.tidy(() => ({
    value: tf.concat(parts.map((p) => p.value), 1) as tf.Tensor2D,
    grad: tf.concat(parts.map((p) => p.grad), 2) as tf.Tensor3D,
    lap: tf.concat(parts.map((p) => p.lap), 1) as tf.Tensor2D,
  }));
}

/** The fields `columns` (in that order, repeats allowed) of u. */
export function selectColumns(u: Jet, columns: number[]): Jet {
  return tf.tidy(() => ({
    value: tf.concat(columns.map((c) => tf.slice(u.value, [0, c], [-1, 1])), 1) as tf.Tensor2D,
    grad: tf.concat(columns.map((c) => tf.slice(u.grad, [0, 0, c], [-1, -1, 1])), 2) as tf.Tensor3D,
    lap: tf.concat(columns.map((c) => tf.slice(u.lap, [0, c], [-1, 1])), 1) as tf.Tensor2D,
  }));
}

/** Batches stacked: n = the sum of the parts' n (to evaluate one network on several relabellings at once). */
export function stackJets(parts: Jet[]): Jet {
  return tf.tidy(() => ({
    value: tf.concat(parts.map((p) => p.value), 0) as tf.Tensor2D,
    grad: tf.concat(parts.map((p) => p.grad), 1) as tf.Tensor3D,
    lap: tf.concat(parts.map((p) => p.lap), 0) as tf.Tensor2D,
  }));
}

/** The inverse of stackJets for `count` equal blocks, summed: sum_b u_b. */
export function sumStacked(u: Jet, count: number): Jet {
  return tf.tidy(() => {
    const [D, nc, k] = u.grad.shape;
    const n = nc / count;
    return {
      value: tf.sum(tf.reshape(u.value, [count, n, k]), 0) as tf.Tensor2D,
      grad: tf.sum(tf.reshape(u.grad, [D, count, n, k]), 1) as tf.Tensor3D,
      lap: tf.sum(tf.reshape(u.lap, [count, n, k]), 0) as tf.Tensor2D,
    };
  });
}

/** The sum of the k fields, as one field. */
export function sumJet(u: Jet): Jet {
  return tf.tidy(() => ({ value: tf.sum(u.value, 1, true) as tf.Tensor2D, grad: tf.sum(u.grad, 2, true) as tf.Tensor3D, lap: tf.sum(u.lap, 1, true) as tf.Tensor2D }));
}

/**
 * log sum_j exp(u_j) as one field. With softmax weights w_j and the mean gradient g = sum_j w_j grad u_j:
 * grad = g, Delta = sum_j w_j (Delta u_j + |grad u_j|^2) - |g|^2.
 */
export function logSumExpJet(u: Jet): Jet {
  return tf.tidy(() => {
    const w = tf.softmax(u.value) as tf.Tensor2D;
    const g = tf.sum(tf.mul(u.grad, w), 2, true);
    const spread = tf.sum(tf.mul(w, tf.add(u.lap, tf.sum(tf.square(u.grad), 0))), 1, true);
    return { value: tf.logSumExp(u.value, 1, true) as tf.Tensor2D, grad: g as tf.Tensor3D, lap: tf.sub(spread, tf.sum(tf.square(g), 0)) as tf.Tensor2D };
  });
}

/** The gradient of a single field as [n, D]. */
export function jetGradient(u: Jet): tf.Tensor2D {
  checkShape('jet gradient', u.grad.shape, [-1, -1, 1]);
  return tf.tidy(() => tf.transpose(tf.squeeze(u.grad, [2])) as tf.Tensor2D);
}
