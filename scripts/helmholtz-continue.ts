// What a continued Helmholtz MNIST run keeps from the run it takes up: the model (method, layer sizes,
// particles), the batch and the seed all come from that run's record, so flags that would change them
// are refused rather than ignored.
import { MnistModelSpec, MnistRunRecord } from '../lib/helmholtz';

/** Flags that fix the model or its randomness, which a continued run takes from the earlier record. */
export const FIXED_BY_THE_RECORD = ['method', 'sizes', 'particles', 'batch', 'seed'];

/** The continued run's model, batch and seed from the earlier record; a named error for each flag given that the record fixes. */
export function continuation(record: MnistRunRecord, given: string[], from: string): { spec: MnistModelSpec; batch: number; seed: number } {
  const refused = FIXED_BY_THE_RECORD.filter((name) => given.includes(name));
  if (refused.length > 0) {
    throw new Error(`--continue takes ${refused.map((n) => `--${n}`).join(', ')} from ${from}'s record; leave ${refused.length === 1 ? 'it' : 'them'} out`);
  }
  if (!Number.isInteger(record.seed)) {
    throw new Error(`${from}'s record has no seed: add the seed it was trained with ("seed": N in weights.json's meta; the folder name ends in -seedN)`);
  }
  return { spec: { method: record.method, sizes: record.sizes, particles: record.particles }, batch: record.batch, seed: record.seed! };
}
