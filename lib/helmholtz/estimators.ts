// The ways to train a Helmholtz machine, each as a surrogate loss whose gradient is the estimator:
// minimising it with any optimizer over model.variables takes one step of that method.
//   wake-sleep  p on (x, h ~ q(h|x)); q on dreams (x, h) ~ p, so q fits KL(p ‖ q) (Hinton et al. 1995)
//   rws         reweighted wake-sleep with K particles: p and (wake) q by self-normalised importance
//               weights, q also or instead on dreams (Bornschein and Bengio 2015)
//   vimco       the K-sample bound with the leave-one-out score function for q (Mnih and Rezende 2016)
//   nvil        the one-sample ELBO with a learned, input-dependent baseline (Mnih and Gregor 2014)
import * as tf from '../core/tf';
import { ParameterError, checkInt } from '../core/errors';
import { Key } from '../core/random';
import { logSumExp, stopGradient } from '../core/ops';
import { Dense } from '../nn/dense';
import { SigmoidBeliefNet, repeatRows } from './sbn';

export type HelmholtzMethod = 'wake-sleep' | 'rws' | 'vimco' | 'nvil';
export const HELMHOLTZ_METHODS: HelmholtzMethod[] = ['wake-sleep', 'rws', 'vimco', 'nvil'];

export interface SurrogateOptions {
  /** Particles per data row (rws and vimco); wake-sleep and nvil use one. */
  particles?: number;
  /** How rws trains q: on its own weighted particles (wake), on dreams (sleep), or half of each. */
  recognition?: 'wake' | 'sleep' | 'both';
  /** The learned baseline of nvil. */
  baseline?: NvilBaseline;
}

/** b(x) = a small tanh network of x plus a constant: what nvil subtracts from its learning signal. */
export class NvilBaseline {
  readonly hidden: Dense;
  readonly out: Dense;
  constructor(dataSize: number, key: Key, width = 50) {
    const [k1, k2] = key.split();
    this.hidden = new Dense(dataSize, width, 'tanh', k1, 'nvil/hidden');
    this.out = new Dense(width, 1, 'linear', k2, 'nvil/out');
  }
  apply(x: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => tf.reshape(this.out.apply(this.hidden.apply(x)), [-1]) as tf.Tensor1D);
  }
  get variables(): tf.Variable[] {
    return [...this.hidden.variables, ...this.out.variables];
  }
  dispose(): void {
    this.variables.forEach((v) => v.dispose());
  }
}

/** log p(x, h_k) and log q(h_k | x) for K particles per row, as [K, B]. */
function particles(model: SigmoidBeliefNet, key: Key, x: tf.Tensor2D, k: number) {
  const xs = repeatRows(x, k);
  const { hs, logQ } = model.drawRecognition(key, x, k);
  const shape: [number, number] = [k, x.shape[0]];
  return { logP: tf.reshape(model.logJoint(xs, hs), shape) as tf.Tensor2D, logQ: tf.reshape(logQ, shape) as tf.Tensor2D };
}

/** −E log q(h | x) on dreams (x, h) ~ p: the sleep phase's loss for q. */
function sleepLoss(model: SigmoidBeliefNet, key: Key, n: number): tf.Scalar {
  const { x, hs } = model.sampleGenerative(key, n);
  return tf.neg(tf.mean(model.logRecognition(x, hs))) as tf.Scalar;
}

/** log (1/K Σ_j e^{w_j}) with w_k replaced by the mean of the others, for each k: VIMCO's baselines, [K, B]. */
function leaveOneOutBounds(logW: tf.Tensor2D): tf.Tensor2D {
  const k = logW.shape[0];
  const othersMean = tf.div(tf.sub(tf.sum(logW, 0, true), logW), k - 1); // [K, B]
  // for each k: the K weights with entry k replaced, log-sum-exp over the particle axis
  const eye = tf.expandDims(tf.eye(k), 2); // [K(replaced), K(particle), 1]
  const replaced = tf.add(tf.mul(tf.expandDims(logW, 0), tf.sub(1, eye)), tf.mul(tf.expandDims(othersMean, 1), eye));
  return tf.sub(tf.logSumExp(replaced, 1), Math.log(k)) as tf.Tensor2D;
}

/**
 * The surrogate loss of one step of `method` on data x (binary, [B, data]). Its value is not an
 * objective to report (use importanceLogMarginal); its gradient is the method's estimator.
 */
export function surrogateLoss(method: HelmholtzMethod, model: SigmoidBeliefNet, key: Key, x: tf.Tensor2D, options: SurrogateOptions = {}): tf.Scalar {
  const k = options.particles ?? (method === 'rws' || method === 'vimco' ? 5 : 1);
  checkInt('particles', k, 1);
  if (method === 'vimco' && k < 2) throw new ParameterError('VIMCO needs at least 2 particles', 'pass particles ≥ 2 (its baselines leave one particle out)');
  if (!HELMHOLTZ_METHODS.includes(method)) throw new ParameterError(`unknown method '${method}'`, `use one of ${HELMHOLTZ_METHODS.join(', ')}`);
  const [kWake, kSleep] = key.split();
  return tf.tidy(() => {
    if (method === 'wake-sleep') {
      const { logP } = particles(model, kWake, x, 1);
      return tf.add(tf.neg(tf.mean(logP)), sleepLoss(model, kSleep, x.shape[0])) as tf.Scalar;
    }
    if (method === 'rws') {
      const { logP, logQ } = particles(model, kWake, x, k);
      const weights = stopGradient(tf.softmax(tf.transpose(tf.sub(logP, logQ)))); // [B, K], normalised per row
      const wT = tf.transpose(weights);
      const wakeP = tf.neg(tf.mean(tf.sum(tf.mul(wT, logP), 0)));
      const mode = options.recognition ?? 'both';
      if (!['wake', 'sleep', 'both'].includes(mode)) throw new ParameterError(`recognition '${mode}'`, "use 'wake', 'sleep' or 'both'");
      const wakeQ = tf.neg(tf.mean(tf.sum(tf.mul(wT, logQ), 0)));
      const qLoss = mode === 'wake' ? wakeQ : mode === 'sleep' ? sleepLoss(model, kSleep, x.shape[0]) : tf.mul(0.5, tf.add(wakeQ, sleepLoss(model, kSleep, x.shape[0])));
      return tf.add(wakeP, qLoss) as tf.Scalar;
    }
    if (method === 'vimco') {
      const { logP, logQ } = particles(model, kWake, x, k);
      const logW = tf.sub(logP, logQ) as tf.Tensor2D;
      const bound = tf.sub(logSumExp(logW, 0), Math.log(k)); // [B]
      const signal = stopGradient(tf.sub(tf.expandDims(bound, 0), leaveOneOutBounds(logW)));
      return tf.neg(tf.mean(tf.add(bound, tf.sum(tf.mul(signal, logQ), 0)))) as tf.Scalar;
    }
    // nvil
    if (!options.baseline) throw new ParameterError('NVIL needs its baseline network', 'pass options.baseline = new NvilBaseline(dataSize, key)');
    const { logP, logQ } = particles(model, kWake, x, 1);
    const l = tf.reshape(tf.sub(logP, logQ), [-1]);
    const b = options.baseline.apply(x);
    const signal = stopGradient(tf.sub(l, b));
    const fit = tf.mean(tf.square(tf.sub(stopGradient(l), b)));
    return tf.add(tf.neg(tf.mean(tf.add(l, tf.mul(signal, tf.reshape(logQ, [-1]))))), fit) as tf.Scalar;
  });
}
