// The oi-VAE on the bars, sized once for the lecture's long runs and its live ones.
import { OiVaeConfig } from './oi-vae';
import { rowGroups } from './groups';

/** Encoder 64 → 64 → 2K, W^(g) of width 8 per row, generators 8 → 16 → 8, learned σ per pixel. */
export function barsModel(latents: number, groups: number[][] = rowGroups(8)): OiVaeConfig {
  return { inputSize: 64, groups, latents, encoderHidden: [64], groupInput: 8, generatorHidden: [16] };
}
