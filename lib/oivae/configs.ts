// The oi-VAE's sizes in one place: the bars model for the lecture's long runs and its live ones, and MNIST's.
import { OiVaeConfig } from './oi-vae';
import { quadrantGroups, rowGroups } from './groups';

/** Encoder 64 → 64 → 2K, W^(g) of width 8 per row, generators 8 → 16 → 8, learned σ per pixel. */
export function barsModel(latents: number, groups: number[][] = rowGroups(8)): OiVaeConfig {
  return { inputSize: 64, groups, latents, encoderHidden: [64], groupInput: 8, generatorHidden: [16] };
}

/** MNIST's 28×28 binarized digits in four quadrant groups: encoder 784 → 256 → 2K, W^(g) of width 16, generators 16 → 128 → 196. */
export function mnistQuadrantModel(latents: number): OiVaeConfig {
  return { inputSize: 784, groups: quadrantGroups(28), latents, encoderHidden: [256], groupInput: 16, generatorHidden: [128], likelihood: 'bernoulli' };
}
