// Gauss-Hermite quadrature for expectations under a standard normal: E[f(z)] ~ sum_i w_i f(x_i),
// exact for polynomials of degree < 2n. The nodes are the roots of the probabilists' Hermite
// polynomial He_n, bracketed on a fine grid and refined by bisection; w_i = 1 / (n psi_{n-1}(x_i)^2)
// with the normalised polynomials psi_k = He_k / sqrt(k!).
import { ParameterError, checkInt } from '../core/errors';

export interface Quadrature {
  nodes: Float64Array;
  weights: Float64Array;
}

/** psi_n(x) and psi_{n-1}(x), psi_k = He_k / sqrt(k!), by the normalised three-term recurrence. */
function psi(n: number, x: number): [number, number] {
  let prev = 0;
  let cur = 1; // psi_0
  for (let k = 0; k < n; k++) {
    const next = (x * cur - Math.sqrt(k) * prev) / Math.sqrt(k + 1);
    prev = cur;
    cur = next;
  }
  return [cur, prev];
}

const cache = new Map<number, Quadrature>();

/** n-point Gauss-Hermite rule for N(0, 1) (weights sum to 1). */
export function gaussHermite(n: number): Quadrature {
  checkInt('n', n, 1);
  if (n > 200) throw new ParameterError(`${n} Gauss-Hermite nodes are more than the 200 this rule is accurate for`, 'use at most 200 nodes');
  const hit = cache.get(n);
  if (hit) return hit;
  const limit = Math.sqrt(4 * n + 2) + 1; // all roots lie inside
  const steps = 200 * n;
  const roots: number[] = [];
  let xPrev = -limit;
  let fPrev = psi(n, xPrev)[0];
  for (let s = 1; s <= steps; s++) {
    const x = -limit + (2 * limit * s) / steps;
    const f = psi(n, x)[0];
    if (f === 0 || fPrev * f < 0) {
      let lo = xPrev;
      let hi = x;
      for (let it = 0; it < 200 && hi - lo > 1e-15; it++) {
        const mid = (lo + hi) / 2;
        if (psi(n, lo)[0] * psi(n, mid)[0] <= 0) hi = mid; else lo = mid;
      }
      roots.push((lo + hi) / 2);
    }
    xPrev = x;
    fPrev = f;
  }
  if (roots.length !== n) throw new Error(`Gauss-Hermite: found ${roots.length} of ${n} nodes`);
  const nodes = Float64Array.from(roots);
  const weights = nodes.map((x) => 1 / (n * psi(n, x)[1] ** 2));
  const q = { nodes, weights };
  cache.set(n, q);
  return q;
}
