// Bounds on log p(x) over a whole set of sequences, a few sequences at a time: the ELBO, or the
// importance-weighted bound with thousands of particles, drawn a chunk of particles at a time and
// combined by a running log-mean-exp, so that memory stays that of one chunk however large k is.
import * as tf from '../core/tf';
import { checkInt } from '../core/errors';
import { Key } from '../core/random';
import { LogMeanExp } from '../core/stats';
import { SequenceLatentModel, checkSequences, sequenceElbo, sequenceLogWeights } from './sequence-model';

export interface SequenceEvaluation {
  /** 1: the ELBO (closed-form KL per step); more: the importance-weighted bound with that many draws of q. */
  particles: number;
  /** Sequences scored together (default 10). */
  batch?: number;
  /** Particles drawn in one pass (default 100). */
  chunk?: number;
  onProgress?: (done: number) => void | Promise<void>;
}

/** The bound of each sequence of x [N, T, d] (nats per sequence, summed over its steps); batch b uses key.foldIn(b). */
export async function evaluateSequenceBound(model: SequenceLatentModel, x: tf.Tensor3D, key: Key, o: SequenceEvaluation): Promise<Float64Array> {
  checkSequences(x, model.data);
  const [batch, chunk] = [o.batch ?? 10, o.chunk ?? 100];
  checkInt('particles', o.particles, 1);
  checkInt('batch', batch, 1);
  checkInt('chunk', chunk, 1);
  const n = x.shape[0];
  const out = new Float64Array(n);
  for (let start = 0, b = 0; start < n; start += batch, b++) {
    const rows = Math.min(batch, n - start);
    const part = tf.slice(x, [start, 0, 0], [rows, -1, -1]) as tf.Tensor3D;
    if (o.particles === 1) {
      const elbo = sequenceElbo(model, part, key.foldIn(b));
      out.set(elbo.dataSync(), start);
      elbo.dispose();
    } else {
      const mean = new LogMeanExp(rows);
      for (let done = 0, j = 0; done < o.particles; done += chunk, j++) {
        const w = sequenceLogWeights(model, part, Math.min(chunk, o.particles - done), key.foldIn(b).foldIn(j));
        mean.add(w.dataSync());
        w.dispose();
      }
      out.set(mean.value(), start);
    }
    part.dispose();
    if (o.onProgress) await o.onProgress(start + rows);
  }
  return out;
}
