// A linear-Gaussian filtering recognition model for the state-space model,
//   q(z_t | z_t-1, x_t) = N(F z_t-1 + G x_t + c, diag(s^2)),  with z_0 = 0 (the first step sees x_1),
// whose ELBO is exact: under q every latent is Gaussian and every term of the ELBO the expectation of
// a quadratic form. Trained on it, q shows log p(x) = ELBO(q) + KL(q || p(z | x)) at work: log p(x)
// does not move, so each nat the ELBO gains is a nat of KL lost. A filter cannot see the future,
// and the KL it cannot remove is the price of filtering.
import * as tf from '../core/tf';
import { Key, normal } from '../core/random';
import { variableFrom } from '../core/ops';
import { uniqueVariableName } from '../nn/dense';
import { Matrix, identity, inverseSpd, logDetSpd } from '../linalg/matrix';
import { StateSpaceModel, checkStateSpaceModel } from './state-space';
import { checkSequences } from './sequence-model';
import { stackedGaussian } from './joint';

const LOG_2PI = Math.log(2 * Math.PI);

export class LinearFilterRecognition {
  readonly F: tf.Variable<tf.Rank.R2>;
  readonly G: tf.Variable<tf.Rank.R2>;
  readonly c: tf.Variable<tf.Rank.R1>;
  readonly logStd: tf.Variable<tf.Rank.R1>;

  /** Small random F and G, c = 0, s = 1. */
  constructor(readonly latent: number, readonly observed: number, key: Key, name = 'linear-filter') {
    const [kf, kg] = key.split(2);
    this.F = variableFrom(() => tf.mul(normal(kf, [latent, latent]), 0.1) as tf.Tensor2D, true, uniqueVariableName(`${name}/F`));
    this.G = variableFrom(() => tf.mul(normal(kg, [latent, observed]), 0.1) as tf.Tensor2D, true, uniqueVariableName(`${name}/G`));
    this.c = variableFrom(() => tf.zeros([latent]) as tf.Tensor1D, true, uniqueVariableName(`${name}/c`));
    this.logStd = variableFrom(() => tf.zeros([latent]) as tf.Tensor1D, true, uniqueVariableName(`${name}/log-std`));
  }

  /** The exact ELBO of p on each sequence of x [N, T, d], summed over steps; the mean over sequences. */
  exactElbo(p: StateSpaceModel, x: tf.Tensor3D): tf.Scalar {
    const { latent: k, observed: d } = checkStateSpaceModel(p);
    checkSequences(x, d);
    const constant = (m: Matrix) => tf.tensor2d(m);
    return tf.tidy(() => {
      const [A, C, Qi, Ri, P0i] = [constant(p.A), constant(p.C), constant(inverseSpd(p.Q)), constant(inverseSpd(p.R)), constant(inverseSpd(p.P0))];
      const S = tf.mul(tf.eye(k), tf.exp(tf.mul(this.logStd, 2))) as tf.Tensor2D; // diag(s^2)
      // E (u - Mz)' W (u - Mz) over rows = mean of quadratic forms of the means + tr(W cov)
      const quad = (r: tf.Tensor2D, w: tf.Tensor2D) => tf.mean(tf.sum(tf.mul(tf.matMul(r, w), r), 1));
      const tr = (a: tf.Tensor2D, b: tf.Tensor2D) => tf.sum(tf.mul(a, tf.transpose(b)));
      let total: tf.Tensor = tf.scalar(0);
      let mean: tf.Tensor2D | undefined;
      let cov: tf.Tensor2D | undefined;
      (tf.unstack(x, 1) as tf.Tensor2D[]).forEach((xt, t) => {
        const drive = tf.add(tf.matMul(xt, this.G, false, true), this.c) as tf.Tensor2D;
        let prior: tf.Tensor;
        if (!mean || !cov) {
          [mean, cov] = [drive, S];
          prior = tf.add(quad(tf.sub(mean, tf.tensor1d(p.mu0)) as tf.Tensor2D, P0i), tr(P0i, cov));
          prior = tf.add(prior, k * LOG_2PI + logDetSpd(p.P0));
        } else {
          const [m0, c0] = [mean, cov];
          mean = tf.add(tf.matMul(m0, this.F, false, true), drive) as tf.Tensor2D;
          cov = tf.add(tf.matMul(tf.matMul(this.F, c0), this.F, false, true), S) as tf.Tensor2D;
          // z_t - A z_t-1: its mean, and its covariance from Cov(z_t, z_t-1) = F cov_t-1
          const diff = tf.sub(mean, tf.matMul(m0, A, false, true)) as tf.Tensor2D;
          const fca = tf.matMul(tf.matMul(this.F, c0), A, false, true);
          const diffCov = tf.add(tf.sub(tf.sub(cov, fca), tf.transpose(fca)), tf.matMul(tf.matMul(A, c0), A, false, true)) as tf.Tensor2D;
          prior = tf.add(tf.add(quad(diff, Qi), tr(Qi, diffCov)), k * LOG_2PI + logDetSpd(p.Q));
        }
        const residual = tf.sub(xt, tf.matMul(mean, C, false, true)) as tf.Tensor2D;
        const recon = tf.add(tf.add(quad(residual, Ri), tr(Ri, tf.matMul(tf.matMul(C, cov), C, false, true) as tf.Tensor2D)), d * LOG_2PI + logDetSpd(p.R));
        const entropy = tf.add(tf.mul(tf.sum(this.logStd), 2), k * (LOG_2PI + 1));
        total = tf.add(total, tf.mul(tf.sub(entropy, tf.add(prior, recon)), 0.5));
      });
      return total as tf.Scalar;
    });
  }

  /** q's stacked latents for one sequence x [T][d]: mean [Tk] and covariance [Tk, Tk]. */
  stacked(x: number[][]): { mean: number[]; cov: Matrix } {
    const [F, G, c, logStd] = [this.F.arraySync(), this.G.arraySync(), this.c.arraySync(), this.logStd.arraySync()];
    const k = this.latent;
    const S = identity(k).map((row, i) => row.map((v) => v * Math.exp(2 * logStd[i])));
    // the covariance is a state-space prior's with A = F and Q = P0 = S; the mean follows x
    const asPrior: StateSpaceModel = { A: F, Q: S, P0: S, mu0: new Array(k).fill(0), C: [new Array(k).fill(0)], R: [[1]] };
    const cov = stackedGaussian(asPrior, x.length).zz;
    const means: number[][] = [];
    x.forEach((xt, t) => means.push(F.map((row, i) => (t === 0 ? 0 : row.reduce((s, f, j) => s + f * means[t - 1][j], 0)) + G[i].reduce((s, g, j) => s + g * xt[j], 0) + c[i])));
    return { mean: means.flat(), cov };
  }

  get variables(): tf.Variable[] {
    return [this.F, this.G, this.c, this.logStd];
  }

  dispose(): void {
    this.variables.forEach((v) => v.dispose());
  }
}
