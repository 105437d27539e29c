// Planar and radial flows (Rezende and Mohamed 2015), the flows of the original variational-inference
// paper. Their forward map is the sampling direction z -> z' with a cheap log-determinant; the
// inverse has no closed form for planar flows, so both inverses are solved in float64 on the
// JavaScript side (for checking and for evaluating the density of given points) and carry no gradient.
import * as tf from '../core/tf';
import { ParameterError, checkInt } from '../core/errors';
import { Key } from '../core/random';
import { Bijection, Transformed, checkInput } from './bijection';
import { variableFrom } from '../core/ops';

const rows = (t: tf.Tensor2D) => t.arraySync() as number[][];

/**
 * z' = z + u_hat tanh(w.z + b), log det = log |1 + u_hat.w tanh'(w.z + b)|. u_hat is u moved along w
 * so that w.u_hat = -1 + softplus(w.u) > -1, which keeps the map invertible for any raw u.
 */
export function Planar(dim: number, key: Key, initial?: { u: number[]; w: number[]; b: number }): Bijection {
  checkInt('dim', dim, 1);
  const [ku, kw] = key.split(2);
  const init = initial ?? {
    u: Array.from(ku.normals(dim), (v) => 0.1 * v),
    w: Array.from(kw.normals(dim), (v) => v / Math.sqrt(dim)),
    b: 0,
  };
  if (init.u.length !== dim || init.w.length !== dim) {
    throw new ParameterError(`u and w need ${dim} entries, got ${init.u.length} and ${init.w.length}`, `pass vectors of length ${dim}`);
  }
  if (!(init.w.some((v) => v !== 0))) throw new ParameterError('w = 0 makes the planar flow the identity with no direction to invert along', 'pass a nonzero w');
  const u = variableFrom(() => tf.tensor1d(init.u), true);
  const w = variableFrom(() => tf.tensor1d(init.w), true);
  const b = variableFrom(() => tf.scalar(init.b), true);

  const uHat = () => tf.tidy(() => {
    const wu = tf.sum(tf.mul(w, u));
    const m = tf.sub(tf.softplus(wu), 1);
    return tf.add(u, tf.mul(tf.div(tf.sub(m, wu), tf.sum(tf.square(w))), w)) as tf.Tensor1D;
  });
  const logDetAt = (x: tf.Tensor2D, uh: tf.Tensor1D) => {
    const a = tf.add(tf.matMul(x, tf.reshape(w, [dim, 1])), b).reshape([-1]);
    const slope = tf.sub(1, tf.square(tf.tanh(a)));
    return { a, logDet: tf.log(tf.abs(tf.add(1, tf.mul(slope, tf.sum(tf.mul(uh, w)))))) as tf.Tensor1D };
  };

  const self: Bijection = {
    name: 'Planar', dim, variables: [u, w, b],
    forward(x) {
      checkInput(self, x);
      return tf.tidy(() => {
        const uh = uHat();
        const { a, logDet } = logDetAt(x, uh);
        return { value: tf.add(x, tf.mul(tf.reshape(tf.tanh(a), [-1, 1]), uh)) as tf.Tensor2D, logDet };
      });
    },
    inverse(y): Transformed {
      checkInput(self, y);
      return tf.tidy(() => {
        const uh = Array.from(uHat().dataSync());
        const wv = Array.from(w.dataSync());
        const bv = b.dataSync()[0];
        const c = uh.reduce((s, v, i) => s + v * wv[i], 0);
        // w.x = a solves w.y = a + c tanh(a + b), increasing in a because c > -1: bisection
        const xs = rows(y).map((yr) => {
          const s = yr.reduce((acc, v, i) => acc + v * wv[i], 0);
          let lo = s - Math.abs(c) - 1;
          let hi = s + Math.abs(c) + 1;
          for (let it = 0; it < 100; it++) {
            const mid = 0.5 * (lo + hi);
            if (mid + c * Math.tanh(mid + bv) < s) lo = mid; else hi = mid;
          }
          const t = Math.tanh(0.5 * (lo + hi) + bv);
          return yr.map((v, i) => v - uh[i] * t);
        });
        const x = tf.tensor2d(xs, [y.shape[0], dim]);
        return { value: x, logDet: tf.neg(logDetAt(x, tf.tensor1d(uh)).logDet) as tf.Tensor1D };
      });
    },
  };
  return self;
}

/**
 * z' = z + beta (z - z0) / (alpha + r), r = |z - z0|, with alpha = softplus(.) > 0 and
 * beta = -alpha + softplus(.) > -alpha so that the radius map is increasing and invertible.
 * log det = (d - 1) log(1 + beta h) + log(1 + beta h - beta r h^2), h = 1 / (alpha + r).
 */
export function Radial(dim: number, key: Key, initial?: { center: number[]; alpha: number; beta: number }): Bijection {
  checkInt('dim', dim, 1);
  const init = initial ?? { center: Array.from(key.normals(dim)), alpha: 1, beta: 0.5 };
  if (init.center.length !== dim) throw new ParameterError(`center needs ${dim} entries, got ${init.center.length}`, `pass a center of length ${dim}`);
  if (!(init.alpha > 0 && init.beta > -init.alpha)) {
    throw new ParameterError(`alpha = ${init.alpha}, beta = ${init.beta} do not give an invertible radial flow`, 'choose alpha > 0 and beta > -alpha');
  }
  const inverseSoftplus = (v: number) => Math.log(Math.expm1(v));
  const center = variableFrom(() => tf.tensor1d(init.center), true);
  const rawAlpha = variableFrom(() => tf.scalar(inverseSoftplus(init.alpha)), true);
  const rawBeta = variableFrom(() => tf.scalar(inverseSoftplus(init.beta + init.alpha)), true);
  const params = () => {
    const alpha = tf.softplus(rawAlpha);
    return { alpha, beta: tf.sub(tf.softplus(rawBeta), alpha) };
  };
  const logDetAt = (x: tf.Tensor2D) => {
    const { alpha, beta } = params();
    const diff = tf.sub(x, center);
    const r = tf.sqrt(tf.add(tf.sum(tf.square(diff), 1), 1e-12));
    const h = tf.reciprocal(tf.add(alpha, r));
    const bh = tf.mul(beta, h);
    const logDet = tf.add(tf.mul(dim - 1, tf.log1p(bh)), tf.log(tf.sub(tf.add(1, bh), tf.mul(bh, tf.mul(r, h))))) as tf.Tensor1D;
    return { diff, bh, logDet };
  };

  const self: Bijection = {
    name: 'Radial', dim, variables: [center, rawAlpha, rawBeta],
    forward(x) {
      checkInput(self, x);
      return tf.tidy(() => {
        const { diff, bh, logDet } = logDetAt(x);
        return { value: tf.add(x, tf.mul(tf.reshape(bh, [-1, 1]), diff)) as tf.Tensor2D, logDet };
      });
    },
    inverse(y) {
      checkInput(self, y);
      return tf.tidy(() => {
        const { alpha, beta } = params();
        const a = alpha.dataSync()[0];
        const bt = beta.dataSync()[0];
        const c = Array.from(center.dataSync());
        // |y - z0| = rho = r (1 + beta / (alpha + r)): the positive root of r^2 + (alpha + beta - rho) r - rho alpha
        const xs = rows(y).map((yr) => {
          const d = yr.map((v, i) => v - c[i]);
          const rho = Math.sqrt(d.reduce((s, v) => s + v * v, 0));
          const p = a + bt - rho;
          const r = 0.5 * (-p + Math.sqrt(p * p + 4 * rho * a));
          const shrink = 1 / (1 + bt / (a + r));
          return d.map((v, i) => c[i] + v * shrink);
        });
        const x = tf.tensor2d(xs, [y.shape[0], dim]);
        return { value: x, logDet: tf.neg(logDetAt(x).logDet) as tf.Tensor1D };
      });
    },
  };
  return self;
}
