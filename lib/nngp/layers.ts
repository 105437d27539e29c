// Layers in the style of neural-tangents' stax: each is {init, apply, kernel}, so one description
// gives both a finite random network (init + apply) and its infinite-width kernel (kernel).
import * as tf from '../core/tf';
import { ParameterError, checkInt, checkNumber } from '../core/errors';
import { Key, normal } from '../core/random';
import { Kernel } from './kernel';
import { gaussHermite } from '../linalg/quadrature';
import { affine } from '../nn/dense';
import { pipe } from '../core/ops';

export type Params = tf.Tensor[];

export interface Layer {
  name: string;
  /** Number of parameter tensors init returns. */
  paramCount: number;
  /** Draws parameters for an input of width `inputWidth`; returns them and the output width. */
  init(key: Key, inputWidth: number): { params: Params; outputWidth: number };
  /** The finite network: x [n, inputWidth] -> [n, outputWidth]. */
  apply(params: Params, x: tf.Tensor2D): tf.Tensor2D;
  /** The infinite-width kernel map. Returns a new kernel (the input is not disposed). */
  kernel(k: Kernel): Kernel;
}

/**
 * Dense layer with weights N(0, sigmaW2 / inputWidth) and biases N(0, sigmaB2):
 * K -> sigmaB2 + sigmaW2 K. `width` matters only for the finite network.
 */
export function Dense(width: number, sigmaW2: number, sigmaB2: number): Layer {
  checkInt('width', width, 1);
  checkNumber('sigmaW2', sigmaW2, (v) => v > 0, 'positive');
  checkNumber('sigmaB2', sigmaB2, (v) => v >= 0, 'non-negative');
  return {
    name: `Dense(${width}, sw2=${sigmaW2}, sb2=${sigmaB2})`,
    paramCount: 2,
    init(key, inputWidth) {
      const [kw, kb] = key.split(2);
      const w = tf.tidy(() => tf.mul(normal(kw, [inputWidth, width]), Math.sqrt(sigmaW2 / inputWidth)));
      const b = tf.tidy(() => tf.mul(normal(kb, [width]), Math.sqrt(sigmaB2)));
      return { params: [w, b], outputWidth: width };
    },
    apply([w, b], x) {
      // the fast-path affine map of lib/nn, so networks built from these layers also train quickly
      return affine(x, w as tf.Tensor2D, b as tf.Tensor1D);
    },
    kernel(k) {
      return tf.tidy(() => ({
        nngp: tf.add(tf.mul(k.nngp, sigmaW2), sigmaB2) as tf.Tensor2D,
        var1: tf.add(tf.mul(k.var1, sigmaW2), sigmaB2) as tf.Tensor1D,
        var2: tf.add(tf.mul(k.var2, sigmaW2), sigmaB2) as tf.Tensor1D,
      }));
    },
  };
}

function elementwise(name: string, f: (x: tf.Tensor) => tf.Tensor, kernel: (k: Kernel) => Kernel): Layer {
  return {
    name,
    paramCount: 0,
    init: (_key, inputWidth) => ({ params: [], outputWidth: inputWidth }),
    apply: (_p, x) => tf.tidy(() => f(x) as tf.Tensor2D),
    kernel,
  };
}

// derived in lecture 14 (notebooks/14-nngp.ipynb)
/** ReLU with the arc-cosine kernel (Cho and Saul 2009): E[relu(u) relu(v)] = sqrt(v1 v2)/(2 pi) (sin t + (pi - t) cos t), t = arccos(rho). */
export function Relu(): Layer {
  return elementwise('Relu', tf.relu, (k) => {
    // Step by step rather than in one tidy: each step is an n x n pass, and keeping all of them
    // until the end multiplied the peak memory (and the first run's page faults) several times.
    const norms = tf.tidy(() => tf.sqrt(tf.outerProduct(k.var1, k.var2)));
    const rho = pipe(k.nngp, (c) => tf.div(c, norms), (r) => tf.clipByValue(r, -1, 1));
    // sin t = sqrt(1 - rho^2) and cos t = rho: one arccos instead of three transcendental passes,
    // which on wasm cost 0.4-0.9 s each for a 5000 x 5000 kernel
    const sinTheta = pipe(rho, tf.square, (r2) => tf.sub(1, r2), tf.sqrt);
    const j1 = pipe(rho, tf.acos, (t) => tf.sub(Math.PI, t), (t) => tf.mul(t, rho), (t) => tf.add(t, sinTheta));
    tf.dispose([rho, sinTheta]);
    const nngp = pipe(norms, (v) => tf.mul(v, 1 / (2 * Math.PI)), (v) => tf.mul(v, j1)) as tf.Tensor2D;
    tf.dispose([norms, j1]);
    return tf.tidy(() => ({ nngp, var1: tf.div(k.var1, 2) as tf.Tensor1D, var2: tf.div(k.var2, 2) as tf.Tensor1D }));
  });
}

/** erf with Williams' kernel (1997): E[erf(u) erf(v)] = (2/pi) arcsin(2c / sqrt((1 + 2 v1)(1 + 2 v2))). */
export function Erf(): Layer {
  const arcsinKernel = (c: tf.Tensor, a: tf.Tensor, b: tf.Tensor) =>
    tf.mul(tf.asin(tf.clipByValue(tf.div(tf.mul(c, 2), tf.sqrt(tf.mul(tf.add(tf.mul(a, 2), 1), tf.add(tf.mul(b, 2), 1)))), -1, 1)), 2 / Math.PI);
  return elementwise('Erf', tf.erf, (k) => tf.tidy(() => ({
    nngp: arcsinKernel(k.nngp, tf.expandDims(k.var1, 1), tf.expandDims(k.var2, 0)) as tf.Tensor2D,
    var1: arcsinKernel(k.var1, k.var1, k.var1) as tf.Tensor1D,
    var2: arcsinKernel(k.var2, k.var2, k.var2) as tf.Tensor1D,
  })));
}

/**
 * Any elementwise nonlinearity through 2-D Gauss-Hermite quadrature with `nodes` points per axis:
 * (u, v) = (sqrt(v1) z1, sqrt(v2) (rho z1 + sqrt(1 - rho^2) z2)), z ~ N(0, I). `fn` is the scalar
 * function (for the kernel), `tensorFn` its tensor form (for the finite network). The error falls
 * quickly with `nodes` for smooth functions; tests/nngp bound it against the analytic kernels.
 */
export function Elementwise(name: string, fn: (x: number) => number, tensorFn: (x: tf.Tensor) => tf.Tensor, nodes = 40): Layer {
  checkInt('nodes', nodes, 2);
  const { nodes: z, weights: w } = gaussHermite(nodes);
  const expectSquare = (v: number) => {
    let s = 0;
    const sd = Math.sqrt(v);
    for (let i = 0; i < nodes; i++) s += w[i] * fn(sd * z[i]) ** 2;
    return s;
  };
  return elementwise(name, tensorFn, (k) => {
    const c = k.nngp.arraySync();
    const v1 = k.var1.dataSync();
    const v2 = k.var2.dataSync();
    const out = c.map((row, i) => row.map((cij, j) => {
      const s1 = Math.sqrt(v1[i]);
      const s2 = Math.sqrt(v2[j]);
      const rho = Math.max(-1, Math.min(1, cij / (s1 * s2)));
      const perp = Math.sqrt(1 - rho * rho);
      let e = 0;
      for (let a = 0; a < nodes; a++) {
        const fu = fn(s1 * z[a]);
        if (fu === 0) continue;
        let inner = 0;
        for (let b = 0; b < nodes; b++) inner += w[b] * fn(s2 * (rho * z[a] + perp * z[b]));
        e += w[a] * fu * inner;
      }
      return e;
    }));
    return {
      nngp: tf.tensor2d(out, undefined, 'float32'),
      var1: tf.tensor1d(Array.from(v1, expectSquare)),
      var2: tf.tensor1d(Array.from(v2, expectSquare)),
    };
  });
}

export function Tanh(nodes = 40): Layer {
  return Elementwise('Tanh', Math.tanh, tf.tanh, nodes);
}

/** Composition: the finite network applies the layers in order, and so does the kernel. */
export function serial(...layers: Layer[]): Layer {
  if (layers.length === 0) throw new ParameterError('serial() needs at least one layer (depth < 1)', 'pass the layers of the network');
  return {
    name: layers.map((l) => l.name).join(' -> '),
    paramCount: layers.reduce((s, l) => s + l.paramCount, 0),
    init(key, inputWidth) {
      const keys = key.split(layers.length);
      const params: Params[] = [];
      let width = inputWidth;
      layers.forEach((l, i) => {
        const r = l.init(keys[i], width);
        params.push(r.params);
        width = r.outputWidth;
      });
      return { params: params.flat(), outputWidth: width };
    },
    apply(params, x) {
      // params are the layers' lists concatenated; split them by each layer's count
      let offset = 0;
      let h = x;
      return tf.tidy(() => {
        for (const l of layers) {
          h = l.apply(params.slice(offset, offset + l.paramCount), h);
          offset += l.paramCount;
        }
        return h;
      });
    },
    kernel(k) {
      let cur = k;
      layers.forEach((l, i) => {
        const next = l.kernel(cur);
        if (i > 0) tf.dispose([cur.nngp, cur.var1, cur.var2]);
        cur = next;
      });
      return cur;
    },
  };
}

/** A fully connected network: depth x (Dense(width) -> nonlinearity) -> Dense(outputs). */
export function fullyConnected(depth: number, width: number, nonlinearity: () => Layer, sigmaW2: number, sigmaB2: number, outputs = 1): Layer {
  checkInt('depth', depth, 1);
  const layers: Layer[] = [];
  for (let i = 0; i < depth; i++) layers.push(Dense(width, sigmaW2, sigmaB2), nonlinearity());
  layers.push(Dense(outputs, sigmaW2, sigmaB2));
  return serial(...layers);
}
