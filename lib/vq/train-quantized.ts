// The training loop of every vector-quantized autoencoder: Adam on the loss of dynamically binarized
// batches (or of the grey images themselves, as image-compression examples train), then, after each
// step, the EMA codebook updates and (every `restartEvery` steps) the restarts of dead codes, for
// each of the model's quantizers.
import * as tf from '../core/tf';
import { ParameterError, checkInt } from '../core/errors';
import { Key } from '../core/random';
import { train } from '../core/train';
import { adam } from '../core/adam';
import { ImageSet, batchIndices, binarizeDynamic, gatherPixels } from '../data';
import { VectorQuantizer } from './quantizer';

/** One quantizer's inputs z_e for a batch and the codes it chose. */
export interface Assignment {
  quantizer: VectorQuantizer;
  ze: tf.Tensor2D;
  indices: Int32Array;
}

/** What the loop needs of a model: its loss on a batch with the assignments, and its variables. */
export interface QuantizedModel {
  readonly quantizers: VectorQuantizer[];
  readonly variables: tf.Variable[];
  /** The loss of a binary batch and each quantizer's assignment (its z_e is freed by the caller's scope). */
  lossAndAssignments(x: tf.Tensor2D): { loss: tf.Scalar; assignments: Assignment[] };
}

export interface VqTrainOptions {
  steps: number;
  batchSize: number;
  learningRate: number;
  /** Every this many steps, codes unused since the last check restart on encoder outputs (0: never). */
  restartEvery: number;
  /** 'binarized': a fresh 0/1 draw of every batch (the models whose bound is on binary digits);
   *  'grey': the grey images, both as the encoder's input and as the cross-entropy's targets. */
  inputs: 'binarized' | 'grey';
  label: string;
  progress: 'auto' | 'lines' | 'off';
  onStep?: (step: number, loss: number) => void | Promise<void>;
}

export interface VqHistory {
  losses: number[];
  /** Dead codes restarted at each check, summed over the quantizers. */
  restarts: number[];
  seconds: number;
}

/** Trains on dynamically binarized (or grey) images with Adam, plus EMA codebook steps where configured. */
export async function trainQuantized(model: QuantizedModel, data: ImageSet, key: Key, options: Partial<VqTrainOptions> = {}): Promise<VqHistory> {
  const o: VqTrainOptions = { steps: 1000, batchSize: 128, learningRate: 1e-3, restartEvery: 0, inputs: 'binarized', label: 'VQ-VAE training', progress: 'auto', ...options };
  checkInt('restartEvery', o.restartEvery, 0);
  if (o.inputs !== 'binarized' && o.inputs !== 'grey') throw new ParameterError(`inputs '${o.inputs}'`, "use 'binarized' or 'grey'");
  const optimizer = adam(o.learningRate);
  const [batchKey, noiseKey, restartKey] = key.split(3);
  const restarts: number[] = [];
  let last: { ze: tf.Tensor2D; indices: Int32Array; quantizer: VectorQuantizer }[] = [];
  const release = () => last.forEach((a) => a.ze.dispose());
  model.quantizers.forEach((q) => q.resetUsage());
  try {
    const result = await train(noiseKey, (k, step) => {
      const x = tf.tidy(() => {
        const grey = gatherPixels(data, batchIndices(batchKey, data.n, o.batchSize, step));
        return o.inputs === 'grey' ? grey : binarizeDynamic(k, grey);
      }) as tf.Tensor2D;
      const out = model.lossAndAssignments(x);
      x.dispose();
      release();
      last = out.assignments.map((a) => ({ ze: tf.keep(a.ze), indices: a.indices, quantizer: a.quantizer }));
      return out.loss;
    }, { steps: o.steps, optimizer, variables: model.variables, label: o.label, progress: o.progress,
      onStep: async (step, loss) => {
        last.forEach((a) => { if (a.quantizer.options.ema) a.quantizer.emaUpdate(a.ze, a.indices); });
        if (o.restartEvery > 0 && (step + 1) % o.restartEvery === 0) {
          // the first quantizer's key is the one a single-level model has always used
          restarts.push(last.reduce((n, a, i) => n + a.quantizer.restartDeadCodes(a.ze, i === 0 ? restartKey.foldIn(step) : restartKey.foldIn(step).foldIn(i)), 0));
        }
        if (o.onStep) await o.onStep(step, loss);
      } });
    return { losses: result.losses, restarts, seconds: result.seconds };
  } finally {
    release();
    optimizer.dispose();
  }
}
