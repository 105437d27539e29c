// A VAE with a discriminator on its decoder (after Larsen et al. 2016): besides the negative ELBO,
// the decoder's mean images of prior draws z ~ N(0, I) are pushed to look like data to a
// discriminator D trained beside it. The decoder's loss gains  w * E_z[-log D(mean(z))]  (the
// non-saturating GAN loss, Goodfellow et al. 2014), in nats per image like the ELBO, with the weight
// w stated; D learns to tell grey training images from those means. With w = 0 the same loop is
// plain VAE training, the fair control: same steps, same batches, same draws.
import * as tf from '../core/tf';
import { ParameterError, checkInt, checkNumber } from '../core/errors';
import { Key } from '../core/random';
import { train } from '../core/train';
import { adam } from '../core/adam';
import { ImageSet, batchIndices, binarizeDynamic, gatherPixels } from '../data';
import { Mlp } from '../nn';
import { Vae } from './vae';

/** An MLP from an image to the logit of "this is a data image". */
export class Discriminator {
  readonly net: Mlp;

  constructor(readonly dataDim: number, hidden: number[], key: Key) {
    this.net = new Mlp({ sizes: [dataDim, ...hidden, 1], hidden: 'relu', output: 'linear' }, key, 'discriminator');
  }

  /** Logits [batch] for images [batch, dataDim] in [0, 1]. */
  logits(x: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => tf.reshape(this.net.apply(x), [-1]) as tf.Tensor1D);
  }

  get variables(): tf.Variable[] { return this.net.variables; }
  namedVariables(): [string, tf.Variable][] { return this.net.namedVariables(); }
  dispose(): void { this.net.dispose(); }
}

/** The decoder's mean images (Bernoulli probabilities) of n prior draws. */
export function priorMeans(vae: Vae, key: Key, n: number): tf.Tensor2D {
  checkInt('n', n, 1);
  return tf.tidy(() => tf.sigmoid(vae.decoder.apply(tf.randomNormal([n, vae.config.latentDim], 0, 1, 'float32', key.seed()))) as tf.Tensor2D);
}

export interface VaeGanOptions {
  steps: number;
  batchSize: number;
  learningRate: number;
  discriminatorLearningRate: number;
  /** w: nats of the adversarial term per image, relative to the ELBO's. */
  adversarialWeight: number;
  label: string;
  progress: 'auto' | 'lines' | 'off';
}

export interface VaeGanHistory {
  /** The VAE's loss (negative ELBO plus the weighted adversarial term) per step. */
  losses: number[];
  /** The discriminator's loss per step: -log D(data) - log(1 - D(mean)), mean over the batch. */
  discriminatorLosses: number[];
  seconds: number;
}

/** Alternates one VAE step and one discriminator step, on the same batches for every weight. */
export async function trainVaeGan(vae: Vae, disc: Discriminator, data: ImageSet, key: Key, options: Partial<VaeGanOptions> = {}): Promise<VaeGanHistory> {
  const o: VaeGanOptions = { steps: 1000, batchSize: 128, learningRate: 1e-4, discriminatorLearningRate: 1e-4, adversarialWeight: 1,
    label: 'VAE-GAN training', progress: 'auto', ...options };
  checkNumber('adversarialWeight', o.adversarialWeight, (w) => w >= 0 && Number.isFinite(w), 'a finite weight >= 0 (0 trains the plain VAE)');
  if (disc.dataDim !== vae.config.dataDim) throw new ParameterError(`the discriminator reads ${disc.dataDim} pixels and the VAE makes ${vae.config.dataDim}`, 'build the discriminator for the VAE\'s images');
  const optimizer = adam(o.learningRate);
  const discOptimizer = adam(o.discriminatorLearningRate);
  const [batchKey, noiseKey] = key.split(2);
  const discriminatorLosses: number[] = [];
  let real: tf.Tensor2D | null = null;
  let priorKey: Key | null = null; // the step's key for prior draws, shared by both steps
  try {
    const result = await train(noiseKey, (k, step) => {
      const [kBin, kElbo, kPrior] = k.split(3);
      priorKey = kPrior;
      if (real) real.dispose();
      real = tf.keep(gatherPixels(data, batchIndices(batchKey, data.n, o.batchSize, step)));
      const xb = binarizeDynamic(kBin, real) as tf.Tensor2D;
      const loss = tf.tidy(() => {
        const elboLoss = vae.loss(xb, kElbo);
        if (o.adversarialWeight === 0) return elboLoss;
        const fool = tf.mean(tf.softplus(tf.neg(disc.logits(priorMeans(vae, kPrior, o.batchSize)))));
        return tf.add(elboLoss, tf.mul(o.adversarialWeight, fool)) as tf.Scalar;
      });
      xb.dispose();
      return loss;
    }, { steps: o.steps, optimizer, variables: vae.variables, label: o.label, progress: o.progress,
      onStep: () => {
        const fake = priorMeans(vae, priorKey as Key, o.batchSize);
        const batch = real as tf.Tensor2D;
        const cost = discOptimizer.minimize(() => tf.tidy(() => tf.add(tf.mean(tf.softplus(tf.neg(disc.logits(batch)))),
          tf.mean(tf.softplus(disc.logits(fake)))) as tf.Scalar), true, disc.variables);
        discriminatorLosses.push(cost ? cost.dataSync()[0] : NaN);
        tf.dispose([fake, cost as tf.Scalar | null].filter((t): t is tf.Tensor2D | tf.Scalar => t !== null));
      } });
    return { losses: result.losses, discriminatorLosses, seconds: result.seconds };
  } finally {
    if (real) (real as tf.Tensor2D).dispose();
    optimizer.dispose();
    discOptimizer.dispose();
  }
}
