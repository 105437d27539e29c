// Two-dimensional data sets for density estimation, drawn from keyed randomness on the JavaScript
// side, and the unnormalized target energies of Rezende and Mohamed (2015) for variational inference.
import * as tf from '../core/tf';
import { ParameterError, checkInt } from '../core/errors';
import { Key } from '../core/random';

export interface ToyData {
  name: string;
  sample(key: Key, n: number): tf.Tensor2D;
  /** The exact log-density where it is known in closed form. */
  logDensity?: (x: number[][]) => number[];
}

function draw(key: Key, n: number, point: (u: Float64Array, g: Float64Array) => [number, number]): tf.Tensor2D {
  checkInt('n', n, 1);
  const [ku, kg] = key.split(2);
  const u = ku.uniforms(3 * n);
  const g = kg.normals(2 * n);
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const [a, b] = point(u.subarray(3 * i, 3 * i + 3), g.subarray(2 * i, 2 * i + 2));
    out[2 * i] = a;
    out[2 * i + 1] = b;
  }
  return tf.tensor2d(out, [n, 2]);
}

/** Two interleaved half circles with Gaussian noise. */
export const twoMoons: ToyData = {
  name: 'two moons',
  sample: (key, n) => draw(key, n, (u, g) => {
    const angle = Math.PI * u[0];
    const [x, y] = u[1] < 0.5 ? [Math.cos(angle), Math.sin(angle)] : [1 - Math.cos(angle), 0.5 - Math.sin(angle)];
    return [1.5 * (x - 0.5) + 0.1 * g[0], 1.5 * (y - 0.25) + 0.1 * g[1]];
  }),
};

/** Three concentric rings (radii 1, 2, 3) with radial noise. */
export const rings: ToyData = {
  name: 'rings',
  sample: (key, n) => draw(key, n, (u, g) => {
    const radius = 1 + Math.floor(3 * u[0]) + 0.08 * g[0];
    const angle = 2 * Math.PI * u[1];
    return [radius * Math.cos(angle), radius * Math.sin(angle)];
  }),
};

const MIXTURE_COMPONENTS = 8;
const MIXTURE_RADIUS = 2.5;
const MIXTURE_SD = 0.35;
const mixtureCenter = (c: number) => [MIXTURE_RADIUS * Math.cos((2 * Math.PI * c) / MIXTURE_COMPONENTS), MIXTURE_RADIUS * Math.sin((2 * Math.PI * c) / MIXTURE_COMPONENTS)];

/** Eight equal Gaussians on a circle: the one data set with a closed-form density. */
export const gaussianMixture: ToyData = {
  name: 'mixture of 8 Gaussians',
  sample: (key, n) => draw(key, n, (u, g) => {
    const [cx, cy] = mixtureCenter(Math.floor(MIXTURE_COMPONENTS * u[0]));
    return [cx + MIXTURE_SD * g[0], cy + MIXTURE_SD * g[1]];
  }),
  logDensity: (x) => x.map(([a, b]) => {
    const terms = Array.from({ length: MIXTURE_COMPONENTS }, (_, c) => {
      const [cx, cy] = mixtureCenter(c);
      return -((a - cx) ** 2 + (b - cy) ** 2) / (2 * MIXTURE_SD ** 2);
    });
    const m = terms.reduce((p, q) => Math.max(p, q), -Infinity);
    const sum = terms.reduce((s, t) => s + Math.exp(t - m), 0);
    return m + Math.log(sum / MIXTURE_COMPONENTS) - Math.log(2 * Math.PI * MIXTURE_SD ** 2);
  }),
};

/** Uniform on the black squares of a 4 x 4 board of unit squares on [-2, 2]^2 (area 8). */
export const checkerboard: ToyData = {
  name: 'checkerboard',
  sample: (key, n) => draw(key, n, (u) => {
    const cell = Math.floor(8 * u[0]); // which of the 8 black squares
    const row = Math.floor(cell / 2);
    const col = 2 * (cell % 2) + (row % 2);
    return [col - 2 + u[1], row - 2 + u[2]];
  }),
  logDensity: (x) => x.map(([a, b]) => {
    // black squares: column + row even (the sampler's col = 2 m + row % 2)
    const inside = a >= -2 && a < 2 && b >= -2 && b < 2 && (Math.floor(a + 2) + Math.floor(b + 2)) % 2 === 0;
    return inside ? -Math.log(8) : -Infinity;
  }),
};

/** The four test energies U1..U4 of Rezende and Mohamed (2015), as log-targets -U(z) on [n, 2]. */
export function energyLogTarget(which: 1 | 2 | 3 | 4): (z: tf.Tensor2D) => tf.Tensor1D {
  if (![1, 2, 3, 4].includes(which)) throw new ParameterError(`there is no energy U${which}`, 'choose 1, 2, 3 or 4');
  return (z) => tf.tidy(() => {
    const [z1, z2] = tf.split(z, 2, 1).map((t) => tf.reshape(t, [-1]));
    const bump = (v: tf.Tensor, sd: number) => tf.mul(tf.square(tf.div(v, sd)), -0.5);
    const w1 = tf.sin(tf.mul(z1, (2 * Math.PI) / 4));
    let logTarget: tf.Tensor;
    if (which === 1) {
      const radius = tf.sqrt(tf.add(tf.add(tf.square(z1), tf.square(z2)), 1e-12));
      logTarget = tf.add(bump(tf.sub(radius, 2), 0.4), tf.logSumExp(tf.stack([bump(tf.sub(z1, 2), 0.6), bump(tf.add(z1, 2), 0.6)], 1), 1));
    } else if (which === 2) {
      logTarget = bump(tf.sub(z2, w1), 0.4);
    } else if (which === 3) {
      const w2 = tf.mul(tf.exp(bump(tf.sub(z1, 1), 0.6)), 3);
      logTarget = tf.logSumExp(tf.stack([bump(tf.sub(z2, w1), 0.35), bump(tf.add(tf.sub(z2, w1), w2), 0.35)], 1), 1);
    } else {
      const w3 = tf.mul(tf.sigmoid(tf.div(tf.sub(z1, 1), 0.3)), 3);
      logTarget = tf.logSumExp(tf.stack([bump(tf.sub(z2, w1), 0.4), bump(tf.add(tf.sub(z2, w1), w3), 0.35)], 1), 1);
    }
    return logTarget as tf.Tensor1D;
  });
}

/** log of the integral of exp(logTarget) over [-range, range]^2 by the midpoint rule with spacing h. */
export function gridLogNormalizer(logTarget: (z: tf.Tensor2D) => tf.Tensor1D, range: number, h: number): number {
  if (!(range > 0) || !(h > 0) || !(h <= range)) {
    throw new ParameterError(`grid with range ${range} and step ${h}`, 'pass range > 0 and a step h with 0 < h <= range');
  }
  const pts: number[] = [];
  for (let a = -range + h / 2; a < range; a += h) for (let b = -range + h / 2; b < range; b += h) pts.push(a, b);
  return tf.tidy(() => tf.logSumExp(logTarget(tf.tensor2d(pts, [pts.length / 2, 2]))).dataSync()[0] + 2 * Math.log(h));
}
