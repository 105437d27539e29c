// Groups of an observation for the output-interpretable VAE: lists of pixel indices that must
// partition the observation (every pixel in exactly one group), and the groupings the lecture uses.
import { ParameterError, checkInt } from '../core/errors';
import { Key, permutation } from '../core/random';

/** Refuses groups that do not partition 0..size-1, naming the first pixel at fault. */
export function checkGroups(groups: number[][], size: number): void {
  checkInt('size', size, 1);
  if (groups.length === 0) throw new ParameterError('no groups', 'pass at least one group of pixel indices');
  const owner = new Int32Array(size).fill(-1);
  groups.forEach((group, g) => {
    if (group.length === 0) throw new ParameterError(`group ${g} is empty`, 'give every group at least one pixel');
    for (const p of group) {
      if (!Number.isInteger(p) || p < 0 || p >= size) throw new ParameterError(`group ${g} holds pixel ${p}, outside 0..${size - 1}`, 'use pixel indices of the flattened observation');
      if (owner[p] >= 0) throw new ParameterError(`pixel ${p} is in group ${owner[p]} and in group ${g}`, 'groups must not overlap: put each pixel in one group');
      owner[p] = g;
    }
  });
  const missing = owner.indexOf(-1);
  if (missing >= 0) throw new ParameterError(`pixel ${missing} is in no group`, 'groups must cover the observation: put every pixel in one group');
}

/** The rows of a side×side image, one group each (the bars' true grouping). */
export function rowGroups(side: number): number[][] {
  checkInt('side', side, 1);
  return Array.from({ length: side }, (_, r) => Array.from({ length: side }, (_, c) => r * side + c));
}

/** The columns of a side×side image, one group each. */
export function columnGroups(side: number): number[][] {
  checkInt('side', side, 1);
  return Array.from({ length: side }, (_, c) => Array.from({ length: side }, (_, r) => r * side + c));
}

/** The four quadrants of a side×side image (side even): top left, top right, bottom left, bottom right. */
export function quadrantGroups(side: number): number[][] {
  checkInt('side', side, 2);
  if (side % 2 !== 0) throw new ParameterError(`side ${side} is odd`, 'quadrants need an even side');
  const h = side / 2;
  return [[0, 0], [0, h], [h, 0], [h, h]].map(([r0, c0]) =>
    Array.from({ length: h * h }, (_, i) => (r0 + Math.floor(i / h)) * side + c0 + (i % h)));
}

/** `count` groups of equal size drawn at random from the pixels of a `size`-pixel image (keyed). */
export function randomGroups(key: Key, size: number, count: number): number[][] {
  checkInt('size', size, 1);
  checkInt('count', count, 1);
  if (size % count !== 0) throw new ParameterError(`${size} pixels do not split into ${count} equal groups`, 'pick a count that divides the number of pixels');
  const order = permutation(key, size), width = size / count;
  return Array.from({ length: count }, (_, g) => Array.from(order.subarray(g * width, (g + 1) * width)));
}

/** The identity map [group][latent] of the bars: latent t drives row t alone. */
export function oneLatentPerGroup(groups: number): number[][] {
  checkInt('groups', groups, 1);
  return Array.from({ length: groups }, (_, g) => Array.from({ length: groups }, (__, t) => (g === t ? 1 : 0)));
}
