// The uncertainty autoencoder (Grover and Ermon, AISTATS 2019): a measurement W (learned, or a fixed
// Gaussian) and a decoder f_theta trained together to maximise sum_x E_{y ~ N(Wx, sigma^2 I)}
// log p_theta(x | y), a variational lower bound on I(X; Y) up to the constant H(X). The decoder is
// Gaussian with variance 1/2 per pixel, so log p_theta(x | y) = -||x - f(y)||^2 - (n/2) log(pi):
// maximising the bound is minimising the expected squared error of the reconstruction.
// The learned W keeps the Gaussian W's measurement energy, ||W||_F^2 = n, through the
// parametrisation W = sqrt(n) V / ||V||_F (so neither W can beat the noise by growing).
import * as tf from '../core/tf';
import { ShapeError, checkInt, fmtShape } from '../core/errors';
import { Key } from '../core/random';
import { adam } from '../core/adam';
import { train, TrainResult } from '../core/train';
import { variableFrom } from '../core/ops';
import { ImageSet, batchIndices, gatherPixels } from '../data';
import { Mlp, loadWeightsOrDispose, readWeightsMeta, saveWeights, uniqueVariableName } from '../nn';
import { checkMeasurements, checkNoise, gaussianMeasurement, measure } from './measurement';

export interface UaeConfig {
  /** Signal dimension (784 for MNIST). */
  n: number;
  /** Number of measurements. */
  m: number;
  /** Measurement noise standard deviation. */
  sigma: number;
  /** Learn W (true) or keep the Gaussian W it starts from (false). */
  learnMeasurement: boolean;
  /** Decoder hidden widths (ReLU); the output is a sigmoid. */
  hidden: number[];
}

export function defaultUaeConfig(m: number): UaeConfig {
  return { n: 784, m, sigma: 0.1, learnMeasurement: true, hidden: [500, 500] };
}

export class Uae {
  readonly config: UaeConfig;
  /** V, with W = sqrt(n) V / ||V||_F. */
  readonly raw: tf.Variable<tf.Rank.R2>;
  readonly decoder: Mlp;

  constructor(config: Partial<UaeConfig> & { m: number }, key: Key) {
    this.config = { ...defaultUaeConfig(config.m), ...config };
    const { n, m, sigma, hidden } = this.config;
    checkMeasurements(m, n);
    checkNoise(sigma);
    hidden.forEach((h, i) => checkInt(`hidden[${i}]`, h, 1));
    const [kw, kd] = key.split(2);
    this.raw = variableFrom(() => gaussianMeasurement(kw, m, n), this.config.learnMeasurement, uniqueVariableName(`uae-${m}/measurement`));
    this.decoder = new Mlp({ sizes: [m, ...hidden, n], hidden: 'relu', output: 'sigmoid' }, kd, `uae-${m}/decoder`);
  }

  /** W [m, n], with ||W||_F^2 = n. */
  measurement(): tf.Tensor2D {
    return tf.tidy(() => this.raw.mul(tf.scalar(Math.sqrt(this.config.n)).div(this.raw.square().sum().sqrt())) as tf.Tensor2D);
  }

  /** Noisy measurements of x [batch, n]. */
  measure(x: tf.Tensor2D, key: Key): tf.Tensor2D {
    if (x.rank !== 2 || x.shape[1] !== this.config.n) throw new ShapeError(`a UAE for ${this.config.n}-dimensional signals got x of shape ${fmtShape(x.shape)}`, `pass [batch, ${this.config.n}]`);
    return tf.tidy(() => measure(x, this.measurement(), this.config.sigma, key));
  }

  /** The decoder's reconstruction f(y) [batch, n]. */
  decode(y: tf.Tensor2D): tf.Tensor2D {
    return this.decoder.apply(y);
  }

  /** The mean over the batch of ||x - f(Wx + sigma eps)||^2, the negative bound up to constants. */
  loss(x: tf.Tensor2D, key: Key): tf.Scalar {
    return tf.tidy(() => x.sub(this.decode(this.measure(x, key))).square().sum(1).mean() as tf.Scalar);
  }

  get variables(): tf.Variable[] {
    return [...(this.config.learnMeasurement ? [this.raw] : []), ...this.decoder.variables];
  }

  namedVariables(): [string, tf.Variable][] {
    return [['measurement', this.raw], ...this.decoder.namedVariables().map(([name, v]): [string, tf.Variable] => [name.replace(/^uae-\d+\//, ''), v])];
  }

  save(dir: string, provenance: Record<string, unknown> = {}): void {
    saveWeights(dir, this.namedVariables(), { config: this.config, ...provenance });
  }

  static load(dir: string): { uae: Uae; meta: Record<string, unknown> } {
    const meta = readWeightsMeta(dir) as { config: UaeConfig } & Record<string, unknown>;
    const uae = new Uae(meta.config, Key.fromSeed(0));
    loadWeightsOrDispose(dir, uae.namedVariables(), () => uae.dispose());
    return { uae, meta };
  }

  dispose(): void {
    this.raw.dispose();
    this.decoder.dispose();
  }
}

export interface UaeTraining {
  steps: number;
  batchSize: number;
  learningRate: number;
  label?: string;
  progress?: 'auto' | 'lines' | 'off';
}

/** Adam on minibatches of `images` (pixels in [0, 1]); step i uses key.foldIn(i) for its batch and noise. */
export async function trainUae(uae: Uae, images: ImageSet, key: Key, o: UaeTraining): Promise<TrainResult> {
  const optimizer = adam(o.learningRate);
  const [kBatch, kNoise] = key.split(2);
  try {
    return await train(kNoise, (k, step) => tf.tidy(() => {
      const x = gatherPixels(images, batchIndices(kBatch, images.n, o.batchSize, step));
      return uae.loss(x, k);
    }), { steps: o.steps, optimizer, variables: uae.variables, label: o.label ?? `UAE, m = ${uae.config.m}`, progress: o.progress });
  } finally {
    optimizer.dispose();
  }
}
