// Training the oi-VAE on the negative ELBO per image over shuffled mini-batches, then after every step
// the group lasso's proximal step on each W^(g). Two ways: everything by Adam and a prox of threshold
// η·λ (η Adam's rate), which is simple but not a true proximal method, since Adam rescales each
// coordinate's step; or, as in the paper's code, the W^(g) by plain gradient steps of rate η_W and a
// prox of threshold η_W·λ (proximal gradient descent on W, exact for the penalty), the rest by Adam.
// λ is per image here, like the loss; a full-data objective sums the ELBO over N images, so its λ
// corresponds to ours times N.
import * as tf from '../core/tf';
import { ParameterError, checkInt } from '../core/errors';
import { Key } from '../core/random';
import { adam } from '../core/adam';
import { TrainResult, train } from '../core/train';
import { batchIndices } from '../data/batches';
import { applyGroupLassoProx } from './group-lasso';
import { OiVae, checkLambda } from './oi-vae';

export interface OiVaeTraining {
  steps: number;
  batch: number;
  learningRate: number;
  /** Group-lasso weight per image (0: a plain VAE). */
  lambda: number;
  /**
   * Steps over which λ grows linearly from 0 to its value (default 0). A lasso at full strength from the
   * first step switches every latent off before the likelihood has taught any of them to matter.
   */
  lambdaWarmup?: number;
  /** If set, the W^(g) take plain gradient steps of this rate (proximal gradient descent), not Adam's. */
  weightsLearningRate?: number;
  label?: string;
  progress?: 'auto' | 'lines' | 'off';
}

/** Adam for every variable but `plain`, which take plain gradient steps of rate `rate`. */
class ProximalSplit extends tf.Optimizer {
  private readonly plainNames: Set<string>;

  constructor(private readonly inner: ReturnType<typeof adam>, private readonly plain: tf.Variable[], private readonly rate: number) {
    super();
    if (!(rate > 0)) throw new ParameterError(`weightsLearningRate ${rate}`, 'use a positive rate for the gradient steps on W');
    this.plainNames = new Set(plain.map((v) => v.name));
  }

  static get className(): string {
    return 'ProximalSplit';
  }

  applyGradients(gradients: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const entries = Array.isArray(gradients) ? gradients.map((g) => [g.name, g.tensor] as const) : Object.entries(gradients);
    this.inner.applyGradients(Object.fromEntries(entries.filter(([name]) => !this.plainNames.has(name))));
    for (const v of this.plain) {
      const g = entries.find(([name]) => name === v.name)?.[1];
      if (g) tf.tidy(() => v.assign(tf.sub(v, tf.mul(g, this.rate))));
    }
  }

  getConfig(): tf.serialization.ConfigDict {
    return { rate: this.rate };
  }

  dispose(): void {
    this.inner.dispose();
    super.dispose();
  }
}

/** Trains `model` on the rows of `x` (keyed shuffling); returns the loss (negative ELBO per image) of every step. */
export async function trainOiVae(model: OiVae, x: tf.Tensor2D, key: Key, o: OiVaeTraining): Promise<TrainResult> {
  checkInt('batch', o.batch, 1);
  checkLambda(o.lambda);
  const [kb, ks] = key.split(2);
  const optimizer = o.weightsLearningRate === undefined ? adam(o.learningRate) : new ProximalSplit(adam(o.learningRate), model.groupWeights, o.weightsLearningRate);
  const warmup = o.lambdaWarmup ?? 0;
  checkInt('lambdaWarmup', warmup, 0);
  const threshold = (step: number) => (o.weightsLearningRate ?? o.learningRate) * o.lambda * Math.min(1, (step + 1) / (warmup + 1));
  try {
    return await train(ks, (k, step) => tf.tidy(() => {
      const rows = tf.tensor1d(batchIndices(kb, x.shape[0], o.batch, step), 'int32');
      return tf.neg(tf.mean(model.elbo(tf.gather(x, rows) as tf.Tensor2D, k).elbo)) as tf.Scalar;
    }), {
      steps: o.steps, optimizer, variables: model.variables, label: o.label ?? 'oi-VAE', progress: o.progress,
      onStep: (step) => { if (o.lambda > 0) applyGroupLassoProx(model.groupWeights, threshold(step)); },
    });
  } finally {
    optimizer.dispose();
  }
}

/** The mean ELBO per image over x, in nats, one draw of z per image (in blocks of 1,000 rows). */
export function meanElbo(model: OiVae, x: tf.Tensor2D, key: Key): number {
  let total = 0;
  for (let start = 0; start < x.shape[0]; start += 1000) {
    const n = Math.min(1000, x.shape[0] - start);
    total += tf.tidy(() => tf.sum(model.elbo(tf.slice(x, [start, 0], [n, -1]), key.foldIn(start)).elbo).dataSync()[0]);
  }
  return total / x.shape[0];
}

/** The importance-weighted bound of every image of x with K particles, in nats (blocks of 200 rows). */
export function importanceBounds(model: OiVae, x: tf.Tensor2D, key: Key, particles: number): Float32Array {
  const out = new Float32Array(x.shape[0]);
  for (let start = 0; start < x.shape[0]; start += 200) {
    const n = Math.min(200, x.shape[0] - start);
    out.set(tf.tidy(() => model.importanceBound(tf.slice(x, [start, 0], [n, -1]), key.foldIn(start), particles).dataSync()), start);
  }
  return out;
}

/** The mean importance-weighted bound per image over x with K particles, in nats. */
export function meanImportanceBound(model: OiVae, x: tf.Tensor2D, key: Key, particles: number): number {
  return importanceBounds(model, x, key, particles).reduce((s, v) => s + v, 0) / x.shape[0];
}
