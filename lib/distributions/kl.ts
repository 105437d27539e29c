// Analytic KL divergences in a registry keyed by the pair of distribution names (like torch's kl.py),
// and a Monte Carlo estimate for pairs that have none.
import * as tf from '../core/tf';
import { LectureError } from '../core/errors';
import type { Key } from '../core/random';
import type { Distribution } from './distribution';
import { Bernoulli, klBernoulliBernoulli } from './bernoulli';
import { Categorical, klCategoricalCategorical } from './categorical';
import { Normal, klNormalNormal } from './normal';

type KLFn = (p: Distribution, q: Distribution) => tf.Tensor;
const registry = new Map<string, KLFn>();

/** Registers the analytic KL(p || q) for distributions named `p` and `q`. */
export function registerKL<P extends Distribution, Q extends Distribution>(p: string, q: string, fn: (p: P, q: Q) => tf.Tensor): void {
  registry.set(`${p}|${q}`, fn as unknown as KLFn);
}

/** The KL divergence KL(p || q) per batch element, from the registry. */
export function kl(p: Distribution, q: Distribution): tf.Tensor {
  const fn = registry.get(`${p.name}|${q.name}`);
  if (!fn) {
    const known = [...registry.keys()].map((k) => k.replace('|', ' || ')).join(', ');
    throw new LectureError(`no analytic KL(${p.name} || ${q.name}) is registered (known: ${known})`,
      'use klMonteCarlo(p, q, key, n), or registerKL for this pair');
  }
  return fn(p, q);
}

/** Monte Carlo estimate of KL(p || q) = E_p[log p(x) - log q(x)] from n draws of p. */
export function klMonteCarlo(p: Distribution, q: Distribution, key: Key, n: number): tf.Tensor {
  return tf.tidy(() => {
    const x = p.sample(key, n);
    return tf.mean(tf.sub(p.logProb(x), q.logProb(x)), 0);
  });
}

registerKL<Normal, Normal>('Normal', 'Normal', klNormalNormal);
registerKL<Bernoulli, Bernoulli>('Bernoulli', 'Bernoulli', klBernoulliBernoulli);
registerKL<Categorical, Categorical>('Categorical', 'Categorical', klCategoricalCategorical);
