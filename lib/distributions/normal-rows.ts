// A diagonal Gaussian's log-density and the KL divergence of two, each summed over an event as one
// taped operation. log N(x; loc, scale) = sum -((x - loc) / scale)^2 / 2 - log scale - log(2 pi) / 2
// is the prior and posterior term of every importance-weighted bound and the emission of the
// state-space models; KL(N(mp, sp) || N(mq, sq)) is the ELBO's analytic KL. With tfjs operations the
// log-density is about nine kernels forward and twenty backward, the KL about eleven and twenty-five,
// on latents of ten to fifty values a row: a small model's step was mostly such kernels' overhead.
// On the wasm backend each pass is one kernel of ours (heap-wat.ts's normalFuncs); elsewhere, or
// with the engine off, the plain twin runs. Our log is a float32 polynomial and the sums run in four
// lanes, so values differ from the plain twin in the last places (tested against it).
import * as tf from '../core/tf';
import { ShapeError, fmtShape } from '../core/errors';
import { lazyGradientOp, sumLastAxes } from '../core/ops';
import { heapKernels, heapOffset } from '../engine/heap-kernels';
import { countOurCall } from '../engine/wasm-kernels';

/** log(2 pi) / 2: the normalising constant of one standard normal coordinate. */
export const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** The number of values in the last `eventRank` axes of a shape. */
function eventSize(shape: number[], eventRank: number): number {
  return shape.slice(shape.length - eventRank).reduce((a, b) => a * b, 1);
}

/**
 * log N(x; loc, scale) summed over the last `eventRank` axes. loc and scale have the same shape;
 * x is that shape with any leading axes in front (draws of the same distribution): the result has
 * x's shape without the event axes.
 */
export function normalLogProb(x: tf.Tensor, loc: tf.Tensor, scale: tf.Tensor, eventRank: number): tf.Tensor {
  const lead = x.rank - loc.rank;
  if (loc.shape.join() !== scale.shape.join() || lead < 0 || x.shape.slice(lead).join() !== loc.shape.join()) {
    throw new ShapeError(`normalLogProb: x has shape ${fmtShape(x.shape)}, loc ${fmtShape(loc.shape)} and scale ${fmtShape(scale.shape)}`,
      'pass loc and scale of one shape and x of that shape, with any leading axes of draws in front');
  }
  const kernels = heapKernels();
  if (!kernels || [x, loc, scale].some((t) => t.dtype !== 'float32') || x.size === 0) return normalLogProbPlain(x, loc, scale, eventRank);
  const { backend } = kernels;
  const width = eventSize(loc.shape, eventRank);
  const [rows, groupRows] = [x.size / width, loc.size / width];
  const at = (t: tf.TensorInfo) => heapOffset(backend, t);
  const made = <T extends tf.Tensor>(info: tf.TensorInfo) => tf.engine().makeTensorFromTensorInfo(info) as T;
  return lazyGradientOp({ x, loc, scale }, (save) => {
    const out = backend.makeOutput(x.shape.slice(0, x.rank - eventRank), 'float32');
    kernels.normalForward(at(x), at(loc), at(scale), at(out), rows, groupRows, width, width * HALF_LOG_2PI);
    countOurCall('normalForward');
    save([x, loc, scale]);
    return made(out);
  }, (dy, [xSaved, locSaved, scaleSaved]) => {
    // one kernel gives all three gradients; tfjs asks for each input's in turn
    const [dx, dloc, dscale] = [xSaved, locSaved, scaleSaved].map((t) => backend.makeOutput(t.shape, 'float32'));
    kernels.normalBackward(at(dy), at(xSaved), at(locSaved), at(scaleSaved), at(dx), at(dloc), at(dscale), rows, groupRows, width);
    countOurCall('normalBackward');
    const grads = { x: made(dx), loc: made(dloc), scale: made(dscale) };
    return { x: () => grads.x, loc: () => grads.loc, scale: () => grads.scale };
  });
}

/** The same log-density with tfjs operations and autodiff: the reference the tests compare against. */
export function normalLogProbPlain(x: tf.Tensor, loc: tf.Tensor, scale: tf.Tensor, eventRank: number): tf.Tensor {
  return tf.tidy(() => {
    const z = tf.div(tf.sub(x, loc), scale);
    const elementwise = tf.neg(tf.add(tf.add(tf.mul(tf.square(z), 0.5), tf.log(scale)), HALF_LOG_2PI));
    return sumLastAxes(elementwise, eventRank);
  });
}

/** KL(N(pLoc, pScale) || N(qLoc, qScale)) summed over the last `eventRank` axes; all four of one shape. */
export function normalKl(pLoc: tf.Tensor, pScale: tf.Tensor, qLoc: tf.Tensor, qScale: tf.Tensor, eventRank: number): tf.Tensor {
  const shape = pLoc.shape.join();
  if ([pScale, qLoc, qScale].some((t) => t.shape.join() !== shape)) {
    throw new ShapeError(`normalKl: the locs and scales have shapes ${[pLoc, pScale, qLoc, qScale].map((t) => fmtShape(t.shape)).join(', ')}`,
      'pass both distributions\' locs and scales with one shape');
  }
  const kernels = heapKernels();
  if (!kernels || [pLoc, pScale, qLoc, qScale].some((t) => t.dtype !== 'float32') || pLoc.size === 0) {
    return normalKlPlain(pLoc, pScale, qLoc, qScale, eventRank);
  }
  const { backend } = kernels;
  const width = eventSize(pLoc.shape, eventRank);
  const rows = pLoc.size / width;
  const at = (t: tf.TensorInfo) => heapOffset(backend, t);
  const made = <T extends tf.Tensor>(info: tf.TensorInfo) => tf.engine().makeTensorFromTensorInfo(info) as T;
  return lazyGradientOp({ pLoc, pScale, qLoc, qScale }, (save) => {
    const out = backend.makeOutput(pLoc.shape.slice(0, pLoc.rank - eventRank), 'float32');
    kernels.normalKlForward(at(pLoc), at(pScale), at(qLoc), at(qScale), at(out), rows, width);
    countOurCall('normalKlForward');
    save([pLoc, pScale, qLoc, qScale]);
    return made(out);
  }, (dy, saved) => {
    const [dpLoc, dpScale, dqLoc, dqScale] = saved.map((t) => backend.makeOutput(t.shape, 'float32'));
    kernels.normalKlBackward(at(dy), ...saved.map(at) as [number, number, number, number], at(dpLoc), at(dpScale), at(dqLoc), at(dqScale), rows, width);
    countOurCall('normalKlBackward');
    const grads = { pLoc: made(dpLoc), pScale: made(dpScale), qLoc: made(dqLoc), qScale: made(dqScale) };
    return { pLoc: () => grads.pLoc, pScale: () => grads.pScale, qLoc: () => grads.qLoc, qScale: () => grads.qScale };
  });
}

/** The same KL with tfjs operations and autodiff: the reference the tests compare against. */
export function normalKlPlain(pLoc: tf.Tensor, pScale: tf.Tensor, qLoc: tf.Tensor, qScale: tf.Tensor, eventRank: number): tf.Tensor {
  return tf.tidy(() => {
    const varRatio = tf.square(tf.div(pScale, qScale));
    const meanTerm = tf.square(tf.div(tf.sub(pLoc, qLoc), qScale));
    const kl = tf.mul(tf.sub(tf.sub(tf.add(varRatio, meanTerm), 1), tf.log(varRatio)), 0.5);
    return sumLastAxes(kl, eventRank);
  });
}
