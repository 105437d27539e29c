// Latent traversals: decode z = c·e_j (latent j at c, every other latent at its prior mean 0) for a range
// of c, to see what one latent does to the picture, group by group.
import * as tf from '../core/tf';
import { ParameterError, checkInt } from '../core/errors';
import { OiVae } from './oi-vae';

/** The decoder's mean images [values.length * inputSize], row after row, for latent j set to each value. */
export function traverse(model: OiVae, latent: number, values: number[]): Float32Array {
  checkInt('latent', latent, 0);
  if (latent >= model.config.latents) throw new ParameterError(`latent ${latent} of a model with ${model.config.latents}`, `pick a latent in 0..${model.config.latents - 1}`);
  if (values.length === 0) throw new ParameterError('no values to traverse', 'pass at least one value of the latent');
  return tf.tidy(() => {
    const z = tf.mul(tf.oneHot(tf.fill([values.length], latent, 'int32'), model.config.latents), tf.tensor2d(values, [values.length, 1]));
    return model.decode(z as tf.Tensor2D).dataSync() as Float32Array;
  });
}
