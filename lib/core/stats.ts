// Summaries of Monte Carlo estimates and small fits the lectures share: means, standard errors,
// trailing averages of loss curves, and weighted straight-line fits (for extrapolations such as
// dt -> 0 and for log-log slopes).
import { ParameterError } from './errors';

function checkValues(what: string, values: ArrayLike<number>, least = 1): void {
  if (values.length < least) {
    throw new ParameterError(`${what} needs at least ${least} value${least > 1 ? 's' : ''}, got ${values.length}`, 'pass a non-empty array of numbers');
  }
}

/** The arithmetic mean. */
export function mean(values: ArrayLike<number>): number {
  checkValues('mean', values);
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

/** The sample standard deviation (divisor n - 1). */
export function standardDeviation(values: ArrayLike<number>): number {
  checkValues('standardDeviation', values, 2);
  const m = mean(values);
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i] - m) ** 2;
  return Math.sqrt(squares / (values.length - 1));
}

/** Mean and standard error of the mean (sample variance with n - 1; a single value gets 0). */
export function meanAndStderr(values: ArrayLike<number>): { mean: number; stderr: number } {
  const m = mean(values);
  if (values.length === 1) return { mean: m, stderr: 0 };
  return { mean: m, stderr: standardDeviation(values) / Math.sqrt(values.length) };
}

/** The median (the mean of the two middle values for an even count). */
export function median(values: ArrayLike<number>): number {
  checkValues('median', values);
  const sorted = Array.from(values).sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The mean of each run of `size` consecutive values (a shorter run at the end is dropped): a loss
 * curve whose every point is exactly the mean over its steps, without a trailing window's lag.
 */
export function blockMeans(values: ArrayLike<number>, size: number): number[] {
  if (!Number.isInteger(size) || size < 1) {
    throw new ParameterError(`block size = ${size} is not a positive integer`, 'pass the number of values per block, such as 20');
  }
  return Array.from({ length: Math.floor(values.length / size) }, (_, b) => {
    let sum = 0;
    for (let i = b * size; i < (b + 1) * size; i++) sum += values[i];
    return sum / size;
  });
}

/** The mean of each value and the (window - 1) before it: a loss curve without its step noise. */
export function trailingMean(values: ArrayLike<number>, window: number): number[] {
  if (!Number.isInteger(window) || window < 1) {
    throw new ParameterError(`window = ${window} is not a positive integer`, 'pass the number of values to average, such as 25');
  }
  const out: number[] = [];
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    if (i >= window) sum -= values[i - window];
    out.push(sum / Math.min(i + 1, window));
  }
  return out;
}

export interface LineFit {
  slope: number;
  intercept: number;
  /** standard error of the intercept (from the given standard errors; NaN without them) */
  interceptStderr: number;
}

/**
 * Least-squares line y = intercept + slope x; with standard errors `sigma`, weighted by 1 / sigma^2,
 * and the intercept's standard error follows from them (points taken as independent).
 */
export function fitLine(x: ArrayLike<number>, y: ArrayLike<number>, sigma?: ArrayLike<number>): LineFit {
  checkValues('fitLine', x, 2);
  if (y.length !== x.length || (sigma && sigma.length !== x.length)) {
    throw new ParameterError(`fitLine got ${x.length} x, ${y.length} y and ${sigma?.length ?? 'no'} standard errors`, 'pass arrays of one length');
  }
  let sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (let i = 0; i < x.length; i++) {
    const w = sigma ? 1 / sigma[i] ** 2 : 1;
    sw += w; sx += w * x[i]; sy += w * y[i]; sxx += w * x[i] ** 2; sxy += w * x[i] * y[i];
  }
  const det = sw * sxx - sx * sx;
  if (!(det > 0)) throw new ParameterError('fitLine got x values that are all equal', 'pass at least two distinct x');
  return {
    slope: (sw * sxy - sx * sy) / det,
    intercept: (sxx * sy - sx * sxy) / det,
    interceptStderr: sigma ? Math.sqrt(sxx / det) : NaN,
  };
}

/** One level of blocking: the series averaged over blocks of `blockSize` values, and the naive error of their mean. */
export interface BlockingLevel { blockSize: number; blocks: number; stderr: number }

/**
 * The blocking curve of a series (Flyvbjerg and Petersen 1989): neighbours averaged pairwise again
 * and again, with the naive standard error of the mean at each level, while at least `minBlocks`
 * blocks remain. Plotted against the block length it rises while blocks are shorter than the
 * series' correlation time and flattens once their means are independent.
 */
export function blockingCurve(series: ArrayLike<number>, minBlocks = 2): BlockingLevel[] {
  checkValues('blockingCurve', series, Math.max(2, minBlocks));
  let blocks = Array.from(series);
  const levels: BlockingLevel[] = [{ blockSize: 1, blocks: blocks.length, stderr: meanAndStderr(blocks).stderr }];
  while (blocks.length >= 2 * minBlocks) {
    const halved: number[] = [];
    for (let i = 0; i + 1 < blocks.length; i += 2) halved.push(0.5 * (blocks[i] + blocks[i + 1]));
    blocks = halved;
    levels.push({ blockSize: 2 * levels[levels.length - 1].blockSize, blocks: blocks.length, stderr: meanAndStderr(blocks).stderr });
  }
  return levels;
}

/**
 * The standard error of the mean of a correlated series by blocking: the largest error on the
 * blocking curve over the levels that keep at least `minBlocks` blocks (a plateau's value, or an
 * underestimate warned of by `converged` = false when the error still grows). The series must be
 * long enough for blocks of several correlation times: a curve still rising at its last level
 * means a longer run, not a smaller error bar.
 */
export function blockedStderr(series: ArrayLike<number>, minBlocks = 32): { mean: number; stderr: number; blockSize: number; converged: boolean } {
  checkValues('blockedStderr', series, 2 * minBlocks);
  const levels = blockingCurve(series, minBlocks);
  const best = levels.reduce((a, b) => (b.stderr > a.stderr ? b : a));
  // converged: the last two levels agree within twice the relative error of an error estimated from m blocks, 1/sqrt(2(m - 1))
  const last = levels[levels.length - 1];
  const previous = levels[levels.length - 2] ?? last;
  const converged = Math.abs(last.stderr - previous.stderr) <= (2 * last.stderr) / Math.sqrt(2 * (last.blocks - 1));
  return { mean: mean(series), stderr: best.stderr, blockSize: best.blockSize, converged };
}

/**
 * log((1/K) Σ_k exp(w_k)) for several rows at once, fed K weights a chunk at a time: a running
 * maximum and a sum rescaled in float64, so that K = 5,000 importance weights never sit in memory
 * together and no exp overflows.
 */
export class LogMeanExp {
  private readonly max: Float64Array;
  private readonly sum: Float64Array;
  private count = 0;

  constructor(readonly rows: number) {
    this.max = new Float64Array(rows).fill(-Infinity);
    this.sum = new Float64Array(rows);
  }

  /** Weights laid out particle-major: w[i * rows + r] is particle i of row r. */
  add(w: ArrayLike<number>): void {
    if (w.length % this.rows !== 0) {
      throw new ParameterError(`${w.length} weights do not split into ${this.rows} rows`, 'pass particles × rows weights, particle-major');
    }
    for (let i = 0; i < w.length; i++) {
      const r = i % this.rows;
      const v = w[i];
      if (v > this.max[r]) {
        this.sum[r] = this.sum[r] * Math.exp(this.max[r] - v) + 1;
        this.max[r] = v;
      } else {
        this.sum[r] += Math.exp(v - this.max[r]);
      }
    }
    this.count += w.length / this.rows;
  }

  /** The log-mean-exp of each row over every weight added so far. */
  value(): Float64Array {
    return Float64Array.from(this.max, (m, r) => m + Math.log(this.sum[r] / this.count));
  }
}
