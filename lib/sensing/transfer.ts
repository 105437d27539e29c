// Transfer of a learned measurement: a UAE that keeps another UAE's W, frozen, with a fresh decoder
// to be trained on other data. It asks whether the W that one data set taught is worth measuring
// another with, against that data set's own learned W and against a Gaussian W.
import * as tf from '../core/tf';
import { Key } from '../core/random';
import { Uae } from './uae';

/** A new UAE with `source`'s measurement W, not trained further, and a decoder drawn from `key`. */
export function withFrozenMeasurement(source: Uae, key: Key): Uae {
  const uae = new Uae({ ...source.config, learnMeasurement: false }, key);
  // W already has energy n, so keeping it as the raw parameter leaves it unchanged
  tf.tidy(() => uae.raw.assign(source.measurement()));
  return uae;
}
