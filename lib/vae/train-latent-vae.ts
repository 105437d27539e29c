// Training of a LatentVae under any of the collapse lecture's objectives, with the KL of every
// step recorded so that a collapse (or its absence) can be plotted over training.
import * as tf from '../core/tf';
import { Key } from '../core/random';
import { train } from '../core/train';
import { ImageSet, batchIndices, binarizeDynamic, gatherPixels } from '../data';
import { LatentVae } from './latent-vae';
import { KlSchedule, klWeight, vaeLoss } from './objectives';
import { adam } from '../core/adam';

export interface LatentVaeTrainOptions {
  steps: number;
  batchSize: number;
  learningRate: number;
  /** The KL weight over training (default: the ELBO, beta = 1). */
  schedule: KlSchedule;
  /** Free-bits floor in nats per group of `freeBitsGroup` latents (0: none). */
  freeBits: number;
  freeBitsGroup: number;
  label: string;
  progress: 'auto' | 'lines' | 'off';
}

export interface LatentVaeHistory {
  /** The training loss of every step. */
  losses: number[];
  /** The batch-mean KL (nats, summed over dimensions) of every step. */
  kl: number[];
  /** The batch-mean reconstruction log-likelihood of every step. */
  reconstruction: number[];
  seconds: number;
}

/** Trains with Adam on dynamically binarized images; step i uses batch i of epochs shuffled by `key`. */
export async function trainLatentVae(model: LatentVae, data: ImageSet, key: Key, options: Partial<LatentVaeTrainOptions> = {}): Promise<LatentVaeHistory> {
  const o: LatentVaeTrainOptions = { steps: 1000, batchSize: 128, learningRate: 1e-3, schedule: { kind: 'constant', beta: 1 },
    freeBits: 0, freeBitsGroup: 1, label: 'VAE training', progress: 'auto', ...options };
  klWeight(o.schedule, 0); // names a bad schedule before any work
  const optimizer = adam(o.learningRate);
  const [batchKey, noiseKey] = key.split(2);
  const kl: number[] = [];
  const reconstruction: number[] = [];
  const pending: tf.Tensor[] = [];
  try {
    const result = await train(noiseKey, (k, step) => {
      const [kBin, kElbo] = k.split(2);
      const xb = tf.tidy(() => binarizeDynamic(kBin, gatherPixels(data, batchIndices(batchKey, data.n, o.batchSize, step)))) as tf.Tensor2D;
      const loss = tf.tidy(() => {
        const terms = model.terms(xb, kElbo);
        // kept outside the tape's tidy so they can be read after the step
        pending.push(tf.keep(tf.stack([tf.mean(tf.sum(terms.klPerDim, 1)), tf.mean(terms.reconstruction)])));
        return vaeLoss(terms, { beta: klWeight(o.schedule, step), freeBits: o.freeBits, freeBitsGroup: o.freeBitsGroup });
      });
      xb.dispose();
      return loss;
    }, { steps: o.steps, optimizer, variables: model.variables, label: o.label, progress: o.progress,
      onStep: async () => {
        const t = pending.pop() as tf.Tensor;
        const [a, b] = await t.data();
        t.dispose();
        kl.push(a);
        reconstruction.push(b);
      } });
    return { losses: result.losses, kl, reconstruction, seconds: result.seconds };
  } finally {
    tf.dispose(pending);
    optimizer.dispose();
  }
}
