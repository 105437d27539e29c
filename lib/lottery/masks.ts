// Pruning masks for a stack of dense layers: magnitude pruning (per layer or global), random pruning
// with the same per-layer counts, and the bookkeeping of how much of each layer remains.
import { ParameterError, ShapeError, checkNumber } from '../core/errors';
import { Key } from '../core/random';

/** One 0/1 mask per layer, each as long as that layer's weight matrix (row-major [in, out]). */
export type Masks = Uint8Array[];

/** All-ones masks for layers with these weight counts. */
export function fullMasks(weightCounts: number[]): Masks {
  return weightCounts.map((n) => new Uint8Array(n).fill(1));
}

/** Number of kept weights in one mask. */
export function keptCount(mask: Uint8Array): number {
  let kept = 0;
  for (let i = 0; i < mask.length; i++) kept += mask[i];
  return kept;
}

/** Fraction of all weights kept, over every layer together. */
export function remainingFraction(masks: Masks): number {
  const total = masks.reduce((s, m) => s + m.length, 0);
  return masks.reduce((s, m) => s + keptCount(m), 0) / total;
}

/** Fraction kept in each layer. */
export function remainingPerLayer(masks: Masks): number[] {
  return masks.map((m) => keptCount(m) / m.length);
}

function checkRate(name: string, rate: number): void {
  checkNumber(name, rate, (r) => r >= 0 && r < 1, 'a pruning rate is the fraction of the remaining weights removed, in [0, 1)');
}

function checkLayers(weights: Float32Array[], masks: Masks): void {
  if (weights.length !== masks.length) {
    throw new ShapeError(`${weights.length} weight matrices but ${masks.length} masks`, 'pass one mask per layer');
  }
  weights.forEach((w, l) => {
    if (w.length !== masks[l].length) {
      throw new ShapeError(`layer ${l}: ${w.length} weights but a mask of ${masks[l].length} entries`, 'make each mask as long as its weight matrix');
    }
  });
}

/** Indices of kept weights sorted by |w| ascending, ties broken by position so the order is exact. */
function keptByMagnitude(entries: { layer: number; index: number; magnitude: number }[]) {
  return entries.sort((a, b) => a.magnitude - b.magnitude || a.layer - b.layer || a.index - b.index);
}

function keptEntries(weights: Float32Array[], masks: Masks, layers: number[]) {
  const entries: { layer: number; index: number; magnitude: number }[] = [];
  for (const l of layers) {
    const w = weights[l], m = masks[l];
    for (let i = 0; i < w.length; i++) if (m[i]) entries.push({ layer: l, index: i, magnitude: Math.abs(w[i]) });
  }
  return entries;
}

function removeSmallest(weights: Float32Array[], next: Masks, layers: number[], rate: number): void {
  const entries = keptByMagnitude(keptEntries(weights, next, layers));
  const remove = Math.round(rate * entries.length);
  for (let k = 0; k < remove; k++) next[entries[k].layer][entries[k].index] = 0;
}

/**
 * Removes the fraction `rates[l]` of each layer's remaining weights, the smallest in magnitude
 * (Frankle and Carbin's layer-wise pruning). Returns new masks; the inputs are not changed.
 * Lecture 15, section 2.
 */
export function pruneByMagnitude(weights: Float32Array[], masks: Masks, rates: number[]): Masks {
  checkLayers(weights, masks);
  if (rates.length !== masks.length) throw new ShapeError(`${rates.length} rates for ${masks.length} layers`, 'pass one rate per layer');
  rates.forEach((r, l) => checkRate(`rates[${l}]`, r));
  const next = masks.map((m) => m.slice());
  rates.forEach((rate, l) => removeSmallest(weights, next, [l], rate));
  return next;
}

/**
 * Removes the fraction `rate` of all remaining weights, the smallest in magnitude wherever they
 * are, so the magnitudes decide which layers lose most. Returns new masks.
 */
export function pruneGlobally(weights: Float32Array[], masks: Masks, rate: number): Masks {
  checkLayers(weights, masks);
  checkRate('rate', rate);
  const next = masks.map((m) => m.slice());
  removeSmallest(weights, next, masks.map((_, l) => l), rate);
  return next;
}

/** Random masks with exactly as many kept weights per layer as `like` (the random-pruning control). */
export function randomMasksLike(key: Key, like: Masks): Masks {
  const keys = key.split(like.length);
  return like.map((mask, l) => {
    const kept = keptCount(mask);
    const u = keys[l].uniforms(mask.length);
    const order = Array.from(mask, (_, i) => i).sort((a, b) => u[a] - u[b] || a - b);
    const out = new Uint8Array(mask.length);
    for (let k = 0; k < kept; k++) out[order[k]] = 1;
    return out;
  });
}

/** Per-layer rates that take a layer to `fraction` of its weights after `rounds` equal rounds. */
export function ratePerRound(fraction: number, rounds: number): number {
  checkNumber('fraction', fraction, (f) => f > 0 && f <= 1, 'the fraction of weights to keep is in (0, 1]');
  if (!Number.isInteger(rounds) || rounds < 1) throw new ParameterError(`rounds = ${rounds}`, 'pass a whole number of rounds, at least 1');
  return 1 - fraction ** (1 / rounds);
}

/** Per-layer rates that do `rounds` rounds of `rates` at once: 1 - (1 - r)^rounds. */
export function combinedRates(rates: number[], rounds: number): number[] {
  if (!Number.isInteger(rounds) || rounds < 1) throw new ParameterError(`rounds = ${rounds}`, 'pass a whole number of rounds, at least 1');
  rates.forEach((r, l) => checkRate(`rates[${l}]`, r));
  return rates.map((r) => 1 - (1 - r) ** rounds);
}

/** True where both masks keep a weight: the overlap of two tickets, per layer. */
export function overlap(a: Masks, b: Masks): number {
  if (a.length !== b.length) throw new ShapeError(`masks of ${a.length} and ${b.length} layers`, 'compare masks of the same network');
  let both = 0, kept = 0;
  a.forEach((m, l) => {
    if (m.length !== b[l].length) throw new ShapeError(`layer ${l}: masks of ${m.length} and ${b[l].length} entries`, 'compare masks of the same network');
    for (let i = 0; i < m.length; i++) { both += m[i] & b[l][i]; kept += m[i]; }
  });
  return kept === 0 ? 0 : both / kept;
}

/** Packs masks into bytes (8 weights per byte), for shipping in data/. */
export function packMasks(masks: Masks): Uint8Array[] {
  return masks.map((m) => {
    const out = new Uint8Array(Math.ceil(m.length / 8));
    for (let i = 0; i < m.length; i++) if (m[i]) out[i >> 3] |= 1 << (i & 7);
    return out;
  });
}

/** The inverse of packMasks for layers with these weight counts. */
export function unpackMasks(packed: Uint8Array[], weightCounts: number[]): Masks {
  if (packed.length !== weightCounts.length) {
    throw new ShapeError(`${packed.length} packed masks for ${weightCounts.length} layers`, 'unpack with the network\'s own layer sizes');
  }
  return packed.map((bytes, l) => {
    if (bytes.length !== Math.ceil(weightCounts[l] / 8)) {
      throw new ShapeError(`layer ${l}: ${bytes.length} bytes cannot hold a mask of ${weightCounts[l]} weights`, 'the mask file belongs to another network; re-run the script that wrote it');
    }
    const out = new Uint8Array(weightCounts[l]);
    for (let i = 0; i < out.length; i++) out[i] = (bytes[i >> 3] >> (i & 7)) & 1;
    return out;
  });
}
