// The lecture VAE as a ShardedModel for data-parallel training (lib/engine/parallel): every random draw of a
// step, the dynamic binarization and the reparameterisation noise, is keyed by the example's position in
// the batch, so any split of the batch between threads computes the same loss and gradient.
import * as tf from '../../core/tf';
import { Key } from '../../core/random';
import { checkInt } from '../../core/errors';
import { loadMnist, batchIndices, pixelValues } from '../../data';
import { kl } from '../../distributions';
import type { Shard, ShardedModel } from './data-parallel';
import { Vae, VaeConfig } from '../../vae/vae';

export interface ShardedVaeOptions {
  config: Partial<VaeConfig>;
  /** Initial weights and the order of the batches. */
  seed: number;
}

/** Binarized pixels and reparameterisation noise for examples start..end-1, each drawn from its own key. */
function exampleDraws(key: Key, pixels: Float32Array, dataDim: number, latentDim: number, shard: Shard): { x: tf.Tensor2D; eps: tf.Tensor2D } {
  const [kBin, kEps] = key.split(2);
  const n = shard.end - shard.start;
  const x = new Float32Array(n * dataDim);
  const eps = new Float32Array(n * latentDim);
  for (let j = 0; j < n; j++) {
    const i = shard.start + j;
    const u = kBin.foldIn(i).streamUniforms(dataDim);
    for (let p = 0; p < dataDim; p++) x[j * dataDim + p] = u[p] < pixels[j * dataDim + p] ? 1 : 0;
    eps.set(kEps.foldIn(i).normals(latentDim), j * latentDim);
  }
  return { x: tf.tensor2d(x, [n, dataDim]), eps: tf.tensor2d(eps, [n, latentDim]) };
}

/** A VAE on MNIST whose loss splits across threads: the shards' losses add up to the negative mean ELBO. */
export function shardedVae(options: ShardedVaeOptions): ShardedModel & { vae: Vae } {
  checkInt('seed', options.seed, 0);
  const [kInit, kOrder] = Key.fromSeed(options.seed).split(2);
  const vae = new Vae(options.config, kInit);
  const data = loadMnist().train;
  const { dataDim, latentDim } = vae.config;
  return {
    vae,
    variables: vae.variables,
    shardLoss: (key, step, shard) => tf.tidy(() => {
      const indices = batchIndices(kOrder, data.n, shard.batch, step).slice(shard.start, shard.end);
      const { x, eps } = exampleDraws(key, pixelValues(data, indices), dataDim, latentDim, shard);
      const q = vae.encode(x);
      const z = tf.add(q.loc, tf.mul(q.scale, eps)) as tf.Tensor2D;
      const elbo = tf.sub(vae.decode(z).logProb(x), kl(q, vae.prior(x.shape[0])));
      return tf.div(tf.neg(tf.sum(elbo)), shard.batch) as tf.Scalar;
    }),
    dispose: () => vae.dispose(),
  };
}
