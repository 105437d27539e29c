// Reading the learned map from latents to groups: ‖W^(g)[:, j]‖ for every group g and latent j, the
// latents that still drive some group, and how well the map matches a known true one.
import * as tf from '../core/tf';
import { ParameterError } from '../core/errors';
import { OiVae } from './oi-vae';

/** [group][latent]: the norm of the weights from latent j into group g. */
export function groupLatentNorms(model: OiVae): number[][] {
  return model.groupWeights.map((w) => tf.tidy(() => Array.from(tf.norm(w, 'euclidean', 1).dataSync())));
}

/**
 * Latents that drive at least one group: a norm above `share` of the largest norm in the whole map.
 * The prox sets switched-off columns to exactly 0; columns on their way there are small but not yet 0,
 * hence a relative threshold.
 */
export function activeLatents(norms: number[][], share = 0.1): number[] {
  const largest = Math.max(...norms.flat());
  return norms[0].map((_, j) => j).filter((j) => norms.some((row) => row[j] > share * largest));
}

/** For each group, how many latents drive it: a norm above `share` of the group's largest. */
export function driversPerGroup(norms: number[][], share = 0.1): number[] {
  return norms.map((row) => row.filter((v) => v > share * Math.max(...row)).length);
}

/**
 * How well a learned map matches a true one, [group][true latent] with 1 where the latent drives the
 * group. Learned latents are unordered, so each true latent is first paired with a distinct learned
 * latent, greedily by the cosine between their columns (over groups). The score is the share of true
 * latents whose twin drives exactly the same groups (a norm above `share` of the map's largest where
 * the truth has 1, and below it elsewhere): 1 when the whole map is recovered, 0 for a map of zeros.
 */
export function mapMatch(norms: number[][], truth: number[][], share = 0.1): { score: number; pairs: [number, number][] } {
  if (truth.length !== norms.length) throw new ParameterError(`the true map has ${truth.length} groups, the learned one ${norms.length}`, 'pass maps over the same groups');
  const learned = norms[0].length, wanted = truth[0].length;
  if (wanted > learned) throw new ParameterError(`${wanted} true latents but only ${learned} learned ones`, 'give the model at least as many latents as the true map');
  const column = (m: number[][], j: number) => m.map((row) => row[j]);
  const cosine = (a: number[], b: number[]) => {
    const dot = a.reduce((s, v, i) => s + v * b[i], 0);
    const norm = Math.sqrt(a.reduce((s, v) => s + v * v, 0) * b.reduce((s, v) => s + v * v, 0));
    return norm > 0 ? dot / norm : 0;
  };
  const candidates: [number, number, number][] = [];
  for (let t = 0; t < wanted; t++) for (let j = 0; j < learned; j++) candidates.push([cosine(column(truth, t), column(norms, j)), t, j]);
  candidates.sort((a, b) => b[0] - a[0]);
  const usedT = new Set<number>(), usedJ = new Set<number>();
  const pairs: [number, number][] = [];
  for (const [, t, j] of candidates) {
    if (usedT.has(t) || usedJ.has(j)) continue;
    usedT.add(t);
    usedJ.add(j);
    pairs.push([t, j]);
  }
  const largest = Math.max(...norms.flat());
  const drives = (g: number, j: number) => largest > 0 && norms[g][j] > share * largest;
  const exact = pairs.filter(([t, j]) => truth.every((row, g) => drives(g, j) === (row[t] === 1))).length;
  return { score: exact / wanted, pairs: pairs.sort((a, b) => a[0] - b[0]) };
}
