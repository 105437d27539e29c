// Choosing the lasso's strength by held-out likelihood with the one-standard-error rule (Hastie,
// Tibshirani and Friedman, The Elements of Statistical Learning, 2nd ed., section 7.10): among the λ
// whose held-out score is within one standard error of the best, take the largest, the sparsest model
// the data cannot tell from the best. The standard error is that of the paired per-image differences
// from the best λ, since every λ is scored on the same images. With a price, the rule becomes: the
// largest λ that costs at most `price` nats per image against the best, a price set in advance.
import { ParameterError } from '../core/errors';
import { meanAndStderr } from '../core/stats';

export interface LambdaScore {
  lambda: number;
  /** A held-out score per image (higher is better), the same images in the same order for every λ. */
  scores: ArrayLike<number>;
}

export interface LambdaChoice {
  /** The λ of the best mean score. */
  best: number;
  /** The largest λ within one standard error of the best (or within the price, if one was given). */
  chosen: number;
  /** Per λ: mean score, and its paired difference from the best with that difference's standard error. */
  table: { lambda: number; mean: number; belowBest: number; stderr: number }[];
}

export function chooseLambda(runs: LambdaScore[], o: { price?: number } = {}): LambdaChoice {
  if (o.price !== undefined && !(o.price >= 0 && Number.isFinite(o.price))) throw new ParameterError(`price ${o.price}`, 'give the price in nats per image as a finite number ≥ 0');
  if (runs.length === 0) throw new ParameterError('no runs to choose from', 'pass the held-out scores of at least one λ');
  const n = runs[0].scores.length;
  for (const r of runs) {
    if (r.scores.length !== n) throw new ParameterError(`λ = ${r.lambda} has ${r.scores.length} scores, λ = ${runs[0].lambda} has ${n}`, 'score every λ on the same held-out images');
  }
  const means = runs.map((r) => meanAndStderr(r.scores).mean);
  const bestIndex = means.indexOf(Math.max(...means));
  const best = runs[bestIndex];
  const table = runs.map((r, i) => {
    const diff = Array.from(r.scores, (v, k) => best.scores[k] - v);
    const { mean, stderr } = meanAndStderr(diff);
    return { lambda: r.lambda, mean: means[i], belowBest: mean, stderr };
  });
  const within = (t: LambdaChoice['table'][number]) => t.belowBest <= (o.price ?? t.stderr) || t.lambda === best.lambda;
  const chosen = Math.max(...table.filter(within).map((t) => t.lambda));
  return { best: best.lambda, chosen, table };
}
