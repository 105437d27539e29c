// Small tensor helpers that tfjs lacks.
import * as tf from './tf';

/**
 * Identity in the forward pass, no gradient in the backward pass: a taped operation without
 * inputs, so the tape has no path through it and the operations that made x are not differentiated
 * back through it at all (a zero gradient, as tf.customGrad would give, still ran their backward
 * kernels on zeros). A variable reached only through it gets no gradient.
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return lazyGradientOp({}, () => x.clone(), () => ({})) as T;
}

/**
 * x repeated k times along the rows, copy-major: row c·B + b is row b of x (particles, enumerated
 * configurations). Concatenation, because tfjs-wasm's Tile kernel copies element by element and was
 * most of an RWS step on MNIST.
 */
export function repeatRows(x: tf.Tensor2D, k: number): tf.Tensor2D {
  return k === 1 ? tf.clone(x) : tf.concat(new Array<tf.Tensor2D>(k).fill(x), 0);
}

/** Sums the last `k` axes (k = 0 returns the input unchanged). */
export function sumLastAxes(x: tf.Tensor, k: number): tf.Tensor {
  if (k === 0) return x;
  const axes = Array.from({ length: k }, (_, i) => x.rank - k + i);
  return tf.sum(x, axes);
}

/**
 * A variable made from a tensor that only it keeps: tf.variable(t) leaves t allocated beside the
 * variable, one leaked tensor per variable created.
 */
export function variableFrom<R extends tf.Rank>(make: () => tf.Tensor<R>, trainable = true, name?: string): tf.Variable<R> {
  return tf.tidy(() => make().variable(trainable, name));
}

/**
 * Applies element-wise steps in turn, disposing each intermediate as soon as the next exists, so
 * that at most two results are alive at once (a tidy keeps all of them until it ends). For large
 * tensors, such as an n x n kernel matrix, this bounds the peak memory. The input is kept.
 */
export function pipe(x: tf.Tensor, ...steps: ((t: tf.Tensor) => tf.Tensor)[]): tf.Tensor {
  let current = x;
  for (const step of steps) {
    const next = step(current);
    if (current !== x) current.dispose();
    current = next;
  }
  return current === x ? x.clone() : current;
}

/**
 * A taped operation with a hand-written gradient, like tf.customGrad, except that the gradient of
 * each input is a function that tfjs calls only for inputs that lie on a path from what is being
 * differentiated: tf.customGrad computes every input's gradient, so a dense layer fed with data
 * still multiplied out the gradient of its data (for the MADE VAE, 48 of its 250 MFLOP a step).
 * `forward` may `save` tensors for `backward`; it runs untaped, as tf.customGrad's does. With
 * several outputs, `backward` gets one gradient per output (zeros for an output nothing used).
 */
export function lazyGradientOp<I extends Record<string, tf.Tensor>, O extends tf.Tensor | tf.Tensor[]>(inputs: I, forward: (save: tf.GradSaveFunc) => O,
  backward: (dy: O, saved: tf.Tensor[]) => { [K in keyof I]: () => tf.Tensor }): O {
  // tf.customGrad's own route into the engine (tfjs-core's engine.customGrad), with lazy gradients
  const engine = tf.engine() as unknown as { runKernelFunc(params: object): O };
  return engine.runKernelFunc({ forwardFunc: (_backend: unknown, save: tf.GradSaveFunc) => forward(save), backwardsFunc: backward, inputs });
}

/**
 * log sum_i exp(x_i) over one axis, as tf.logSumExp computes it, taped as one operation whose
 * gradient is dy exp(x - result) (the softmax along the axis): three kernels, where tfjs's own
 * tape runs about twenty, through the max it subtracts too. It is every importance-weighted
 * bound's last step over the particles.
 */
export function logSumExp(x: tf.Tensor, axis: number, keepDims = false): tf.Tensor {
  const along = axis < 0 ? axis + x.rank : axis;
  return lazyGradientOp({ x }, (save) => {
    const kept = tf.logSumExp(x, along, true);
    save([x, kept]);
    return keepDims ? kept : tf.squeeze(kept, [along]);
  }, (dy, [xSaved, kept]) => ({
    x: () => tf.mul(tf.exp(tf.sub(xSaved, kept)), keepDims ? dy : tf.expandDims(dy, along)),
  }));
}

/**
 * log (1/k) sum exp over k log-weights given as the log-sum-exps of their chunks ([batch] each):
 * how an importance-weighted bound computed a chunk of particles at a time is put together (one
 * chunk needs no second log-sum-exp).
 */
export function logMeanExpOfChunks(parts: tf.Tensor[], k: number): tf.Tensor {
  return tf.tidy(() => tf.sub(parts.length === 1 ? parts[0] : logSumExp(tf.stack(parts), 0), Math.log(k)));
}
