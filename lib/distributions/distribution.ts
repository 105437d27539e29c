// The one interface all distributions share: shapes are sample + batch + event, as in torch.distributions.
import * as tf from '../core/tf';
import { ParameterError, ShapeError, fmtShape } from '../core/errors';
import type { Key } from '../core/random';

export interface Distribution {
  /** Registry name, e.g. 'Normal'; KL pairs are looked up by it. */
  readonly name: string;
  /** Shape of independent but not identically distributed draws. */
  readonly batchShape: number[];
  /** Shape of one draw of the event whose log-probability is a single number. */
  readonly eventShape: number[];
  /** True when rsample exists. */
  readonly hasRsample: boolean;
  /** Draws without a gradient: shape [n, ...batch, ...event], or [...batch, ...event] when n is omitted. */
  sample(key: Key, n?: number): tf.Tensor;
  /** Reparameterised draws, differentiable with respect to the parameters. */
  rsample(key: Key, n?: number): tf.Tensor;
  /** Log-density or log-mass summed over the event: shape [...sample, ...batch]. */
  logProb(x: tf.Tensor): tf.Tensor;
  /** Entropy per batch element: shape [...batch]. */
  entropy(): tf.Tensor;
}

/** Options shared by all distribution constructors. */
export interface DistributionOptions {
  /** Number of trailing axes that form one event (default 0). */
  eventRank?: number;
  /** Check parameter values (one data read; default true; turn off inside hot training loops). */
  validate?: boolean;
}

/** Splits a parameter shape into batch and event shapes. */
export function splitShape(name: string, shape: number[], eventRank: number, minEventRank = 0): { batch: number[]; event: number[] } {
  if (!Number.isInteger(eventRank) || eventRank < minEventRank || eventRank > shape.length) {
    throw new ShapeError(`${name}: eventRank ${eventRank} does not fit a parameter of shape ${fmtShape(shape)}`,
      `use an eventRank between ${minEventRank} and ${shape.length}`);
  }
  return { batch: shape.slice(0, shape.length - eventRank), event: shape.slice(shape.length - eventRank) };
}

/** Throws ShapeError unless the trailing axes of x equal `trailing`. */
export function checkTrailing(dist: string, x: tf.Tensor, trailing: number[]): void {
  const tail = x.shape.slice(x.rank - trailing.length);
  if (x.rank < trailing.length || tail.some((d, i) => d !== trailing[i])) {
    throw new ShapeError(`${dist}.logProb got a value of shape ${fmtShape(x.shape)} whose trailing axes should be batch + event ${fmtShape(trailing)}`,
      `pass values of shape [...sample, ${trailing.join(', ')}]`);
  }
}

/** Throws ParameterError when a parameter holds a value that fails `ok` (NaN always fails). */
export function checkValues(dist: string, param: string, t: tf.Tensor, ok: (v: number) => boolean, rule: string): void {
  const values = t.dataSync();
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i]) || !ok(values[i])) {
      throw new ParameterError(`${dist}: ${param}[${i}] = ${values[i]} but every entry must be ${rule}`,
        `pass ${param} with entries ${rule}`);
    }
  }
}

/** Shape of n draws. */
export function drawShape(n: number | undefined, shape: number[]): number[] {
  if (n === undefined) return shape;
  if (!Number.isInteger(n) || n < 1) throw new ParameterError(`number of draws n = ${n}`, 'pass a positive integer n, or omit it for one draw');
  return [n, ...shape];
}
