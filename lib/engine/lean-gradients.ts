// Gradients of Multiply, Square, Sum and Mean with fewer kernels than tfjs 4.22 registers. Its
// Multiply and Square gradients cast the saved operands to float32 first (a Cast kernel each, though
// they already are), and its Sum and Mean gradients multiply dy by a tensor of ones the size of the
// input, made afresh in every backward pass. Here the casts go (the product's own dtype rules do the
// rest) and dy is broadcast by the Tile kernel instead. The arithmetic is the same, so the values are
// the same bits (tested against tfjs's gradients).
import * as tf from '../core/tf';

/** The gradient of a broadcasting operand: summed over the axes it was broadcast along, in its shape. */
function reduceTo(g: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, g.shape);
  if (axes.length === 0) return g.rank === shape.length ? g : tf.reshape(g, shape);
  return tf.reshape(tf.sum(g, axes), shape);
}

/** dy of a reduction over `axis` spread back over x's shape. */
function spread(dy: tf.Tensor, shape: number[], axis: number | number[] | undefined): tf.Tensor {
  const expanded = shape.slice();
  for (const a of tf.util.parseAxisParam(axis ?? shape.map((_, i) => i), shape)) expanded[a] = 1;
  return tf.broadcastTo(tf.reshape(dy, expanded), shape);
}

// tfjs's own gradients, kept when ours are registered (tests compare the two)
let stock: tf.GradConfig[] | null = null;

/** Registers the four gradients in place of tfjs's (for every backend, as gradients are). Idempotent. */
export function installLeanGradients(): void {
  if (stock) return;
  stock = [tf.Multiply, tf.Square, tf.Sum, tf.Mean].map((name) => tf.getGradient(name)!);
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
}

/** Registers tfjs's own four gradients again. */
export function uninstallLeanGradients(): void {
  if (!stock) return;
  stock.forEach((config) => tf.registerGradient(config));
  stock = null;
}
