// A synthetic "phoneme" source whose hidden symbols are known: a Markov chain over a few symbols,
// each symbol rendered as its own smooth trajectory (a template of `duration` steps in `dims`
// dimensions) plus noise. A sequence model that understands the data should carry the current
// symbol in its latent, which a linear probe on z_t can check against the true labels.
import { ParameterError, checkInt, checkNumber } from '../core/errors';
import { Key } from '../core/random';

export interface PhonemeSource {
  /** Row-stochastic transition matrix between symbols (no symbol follows itself). */
  transition: number[][];
  /** templates[s][i][j]: step i of symbol s in dimension j. */
  templates: number[][][];
  /** Standard deviation of the noise added to every value. */
  noise: number;
}

export interface PhonemeOptions {
  symbols: number;
  dims: number;
  /** Steps per phoneme. */
  duration: number;
  noise: number;
}

/** A random source: transitions from normalised uniform weights, templates of sines with random frequency and phase. */
export function phonemeSource(o: PhonemeOptions, key: Key): PhonemeSource {
  checkInt('symbols', o.symbols, 2);
  checkInt('dims', o.dims, 1);
  checkInt('duration', o.duration, 1);
  checkNumber('noise', o.noise, (v) => v >= 0, 'non-negative');
  const [kt, kf] = key.split(2);
  const w = kt.uniforms(o.symbols * o.symbols);
  const transition = Array.from({ length: o.symbols }, (_, s) => {
    const row = Array.from({ length: o.symbols }, (_, r) => (r === s ? 0 : 0.2 + w[s * o.symbols + r]));
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((v) => v / total);
  });
  const u = kf.uniforms(o.symbols * o.dims * 3);
  const templates = Array.from({ length: o.symbols }, (_, s) => Array.from({ length: o.duration }, (_, i) => Array.from({ length: o.dims }, (_, j) => {
    const [a, f, ph] = [u[(s * o.dims + j) * 3], u[(s * o.dims + j) * 3 + 1], u[(s * o.dims + j) * 3 + 2]];
    return (0.5 + a) * Math.sin(Math.PI * (0.5 + 1.5 * f) * (i + 1) / o.duration + 2 * Math.PI * ph);
  })));
  return { transition, templates, noise: o.noise };
}

/** The chain's stationary distribution (by power iteration). */
export function stationaryDistribution(transition: number[][]): number[] {
  let pi = transition.map(() => 1 / transition.length);
  for (let i = 0; i < 1000; i++) pi = transition[0].map((_, r) => pi.reduce((s, p, q) => s + p * transition[q][r], 0));
  return pi;
}

/**
 * `count` sequences of `phonemes` phonemes each, the first symbol from the stationary distribution:
 * observations x [count][phonemes * duration][dims] and the symbol at every step.
 */
export function samplePhonemes(src: PhonemeSource, phonemes: number, count: number, key: Key): { x: number[][][]; symbols: number[][] } {
  checkInt('phonemes', phonemes, 1);
  checkInt('count', count, 1);
  const rows = src.transition.length;
  if (src.transition.some((row) => row.length !== rows || Math.abs(row.reduce((a, b) => a + b, 0) - 1) > 1e-9 || row.some((p) => p < 0))) {
    throw new ParameterError('the transition matrix is not square and row-stochastic', 'give every row non-negative probabilities that sum to 1');
  }
  const pi = stationaryDistribution(src.transition);
  const draw = (p: number[], u: number) => {
    let acc = 0;
    for (let s = 0; s < p.length; s++) if (u < (acc += p[s])) return s;
    return p.length - 1;
  };
  const [duration, dims] = [src.templates[0].length, src.templates[0][0].length];
  const x: number[][][] = [];
  const symbols: number[][] = [];
  for (let n = 0; n < count; n++) {
    const [ku, kn] = key.foldIn(n).split(2);
    const u = ku.uniforms(phonemes);
    const eps = kn.normals(phonemes * duration * dims);
    const seq: number[][] = [];
    const labels: number[] = [];
    let s = draw(pi, u[0]);
    for (let k = 0; k < phonemes; k++) {
      if (k > 0) s = draw(src.transition[s], u[k]);
      for (let i = 0; i < duration; i++) {
        seq.push(src.templates[s][i].map((v, j) => v + src.noise * eps[(k * duration + i) * dims + j]));
        labels.push(s);
      }
    }
    x.push(seq);
    symbols.push(labels);
  }
  return { x, symbols };
}
