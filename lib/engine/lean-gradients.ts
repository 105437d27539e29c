// Gradients of Add, Sub, Multiply, Square, Sum, Mean, Tanh, Sigmoid and Relu with fewer kernels than tfjs
// 4.22 registers. Its Add and Sub gradients reshape dy to the shape it already has (a kernel per
// input), its Multiply and Square gradients cast the saved operands to float32 first (a Cast
// kernel each, though they already are), its Sum and Mean gradients multiply dy by a tensor of ones
// the size of the input, made afresh in every backward pass, and its Tanh and Sigmoid gradients are
// three kernels each ((1 - y^2) dy and dy (y (1 - y)) from the output y), its Relu gradient two or
// three (dy times a cast of step(x)). Here dy is passed on as it
// is where the engine's backward pass runs (backprop.ts, which never disposes a gradient early),
// the casts go (the product's own dtype rules do the rest), dy is broadcast by the Tile kernel, and
// the activations' gradients are one kernel of ours on the wasm heap (heap-wat.ts's
// activationGradFuncs) when no gradient of the gradient is being recorded (then tfjs's operations,
// which tape). The arithmetic is the same, so the values are the same bits (tested against tfjs's).
import * as tf from '../core/tf';
import { heapKernels, heapOffset } from './heap-kernels';
import { backpropInstalled } from './backprop';

/** The gradient of a broadcasting operand: summed over the axes it was broadcast along, in its shape. */
function reduceTo(g: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, g.shape);
  if (axes.length === 0) return g.rank === shape.length ? g : tf.reshape(g, shape);
  return tf.reshape(tf.sum(g, axes), shape);
}

/** dy as an operand's gradient: itself where it fits and the engine's backward pass runs, else a new tensor. */
function passOn(dy: tf.Tensor, shape: number[]): tf.Tensor {
  const g = reduceTo(dy, shape);
  return g === dy && !backpropInstalled() ? tf.reshape(dy, shape) : g;
}

/** dy of a reduction over `axis` spread back over x's shape. */
function spread(dy: tf.Tensor, shape: number[], axis: number | number[] | undefined): tf.Tensor {
  const expanded = shape.slice();
  for (const a of tf.util.parseAxisParam(axis ?? shape.map((_, i) => i), shape)) expanded[a] = 1;
  return tf.broadcastTo(tf.reshape(dy, expanded), shape);
}

// tfjs's own gradients, kept when ours are registered (tests compare the two)
let stock: tf.GradConfig[] | null = null;

/**
 * An activation's gradient from its output y by one of our kernels, or null where that does not
 * apply: off the wasm heap, other dtypes or shapes, or while a gradient of the gradient records.
 */
function activationGradient(kernel: 'tanhGrad' | 'sigmoidGrad' | 'reluGrad', y: tf.Tensor, dy: tf.Tensor): tf.Tensor | null {
  const kernels = heapKernels();
  const recording = (tf.engine() as unknown as { state: { gradientDepth: number } }).state.gradientDepth > 0;
  if (!kernels || recording || y.dtype !== 'float32' || dy.dtype !== 'float32' || !tf.util.arraysEqual(y.shape, dy.shape)) return null;
  const out = kernels.backend.makeOutput(y.shape, 'float32');
  kernels[kernel](heapOffset(kernels.backend, y), heapOffset(kernels.backend, dy), heapOffset(kernels.backend, out), y.size);
  return tf.engine().makeTensorFromTensorInfo(out);
}

/**
 * The ReLU's gradient dy step(x), from its input x or its output (the same where it counts): one of
 * our kernels where it applies, else tfjs's operations (which tape a gradient of the gradient).
 */
export function reluGradient(x: tf.Tensor, dy: tf.Tensor): tf.Tensor {
  return activationGradient('reluGrad', x, dy) ?? tf.mul(dy, tf.step(x));
}

const GRADIENTS = [tf.Add, tf.Sub, tf.Multiply, tf.Square, tf.Sum, tf.Mean, tf.Tanh, tf.Sigmoid, tf.Relu];

/** Registers the nine gradients in place of tfjs's (for every backend, as gradients are). Idempotent. */
export function installLeanGradients(): void {
  if (stock) return;
  stock = GRADIENTS.map((name) => tf.getGradient(name)!);
  tf.registerGradient({
    kernelName: tf.Add,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => ({ a: () => passOn(dy as tf.Tensor, a.shape), b: () => passOn(dy as tf.Tensor, b.shape) }),
  });
  tf.registerGradient({
    kernelName: tf.Sub,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => ({ a: () => passOn(dy as tf.Tensor, a.shape), b: () => tf.neg(reduceTo(dy as tf.Tensor, b.shape)) }),
  });
  tf.registerGradient({
    kernelName: tf.Multiply,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => ({
      a: () => reduceTo(tf.mul(dy as tf.Tensor, b), a.shape),
      b: () => reduceTo(tf.mul(dy as tf.Tensor, a), b.shape),
    }),
  });
  tf.registerGradient({
    kernelName: tf.Square,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as tf.Tensor, tf.mul(x, 2)) }),
  });
  tf.registerGradient({
    kernelName: tf.Sum,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => ({ x: () => spread(dy as tf.Tensor, x.shape, (attrs as unknown as { axis: number | number[] }).axis) }),
  });
  tf.registerGradient({
    kernelName: tf.Mean,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const { axis } = attrs as unknown as { axis: number | number[] };
      const count = tf.util.parseAxisParam(axis ?? x.shape.map((_, i) => i), x.shape).reduce((n, a) => n * x.shape[a], 1);
      return { x: () => tf.div(spread(dy as tf.Tensor, x.shape, axis), count) };
    },
  });
  tf.registerGradient({
    kernelName: tf.Tanh,
    outputsToSave: [true],
    gradFunc: (dy, [y]) => ({ x: () => activationGradient('tanhGrad', y, dy as tf.Tensor) ?? tf.mul(tf.sub(1, tf.square(y)), dy as tf.Tensor) }),
  });
  tf.registerGradient({
    kernelName: tf.Sigmoid,
    outputsToSave: [true],
    gradFunc: (dy, [y]) => ({ x: () => activationGradient('sigmoidGrad', y, dy as tf.Tensor) ?? tf.mul(dy as tf.Tensor, tf.mul(y, tf.sub(1, y))) }),
  });
  tf.registerGradient({
    kernelName: tf.Relu,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => reluGradient(x, dy as tf.Tensor) }),
  });
}

/** Registers tfjs's own nine gradients again. */
export function uninstallLeanGradients(): void {
  if (!stock) return;
  stock.forEach((config) => tf.registerGradient(config));
  stock = null;
}
