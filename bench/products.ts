// Benchmark: the wasm facts behind lib/nn/dense.ts and the Bernoulli likelihood, measured side by
// side in one run. (1) x W at batch 128 with a weight matrix that is new for every product (as in
// training) against a reused one, and the reversed order (W^T x^T)^T that packs the batch-sized
// operand instead; (2) one dense layer's forward and backward pass: autodiff, explicit transposes in
// the direct order, and `affine`, which picks the order; (3) per-element cost of softplus, exp, log1p and sigmoid.
// Usage: node dist/bench/products.js [--repeats 20 --rounds 5]
import { initBackend } from '../lib/core/backend';
import * as tf from '../lib/core/tf';
import { affine } from '../lib/nn';
import { median } from './rounds';
import { parseArgs } from '../scripts/args';

/**
 * Median over rounds of the milliseconds per call of f, each call on its own inputs from make()
 * (made before the round's clock starts and disposed after it).
 */
function time(rounds: number, repeats: number, make: () => tf.Tensor[], f: (inputs: tf.Tensor[]) => tf.Tensor | tf.Tensor[]): number {
  const perRound: number[] = [];
  for (let r = 0; r <= rounds; r++) {
    const inputs = Array.from({ length: repeats }, make);
    const t0 = performance.now();
    for (const input of inputs) {
      const out = f(input);
      for (const o of Array.isArray(out) ? out : [out]) { o.dataSync(); o.dispose(); }
    }
    if (r > 0) perRound.push((performance.now() - t0) / repeats); // round 0 warms up
    inputs.forEach((i) => tf.dispose(i));
  }
  return median(perRound);
}

/** `affine` as it was before the product order depended on the shapes: both products in the direct order. */
const affineDirectOrder = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.add(tf.matMul(x, w), b),
    gradFunc: (dy: tf.Tensor2D, [xs, ws]: tf.Tensor[]) => [tf.matMul(dy, tf.transpose(ws)), tf.matMul(tf.transpose(xs), dy), tf.sum(dy, 0)],
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
}) as any) as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

async function main() {
  const args = parseArgs({ repeats: '20', rounds: '5' });
  const [repeats, rounds] = [Number(args.repeats), Number(args.rounds)];
  const backend = await initBackend({ quiet: true });
  const batch = 128;
  console.log(`\nMatrix products at batch ${batch} (tfjs ${backend}); ms per call, medians of ${rounds} rounds of ${repeats}\n`);
  console.log(`${'in x out'.padEnd(10)}${'x W, new W'.padStart(12)}${'x W, same W'.padStart(13)}${'(W^T x^T)^T'.padStart(13)}${'layer, direct'.padStart(15)}${'direct order'.padStart(14)}${'layer, affine'.padStart(15)}`);
  for (const [inputs, outputs] of [[784, 400], [400, 784], [784, 512], [400, 40]]) {
    const x0 = tf.randomNormal([batch, inputs], 0, 1, 'float32', 1) as tf.Tensor2D;
    const w0 = tf.randomNormal([inputs, outputs], 0, 0.05, 'float32', 2) as tf.Tensor2D;
    const b0 = tf.zeros([outputs]) as tf.Tensor1D;
    const fresh = () => [tf.add(x0, 0), tf.add(w0, 0)];
    const product = (f: (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor) => ([x, w]: tf.Tensor[]) => tf.tidy(() => f(x as tf.Tensor2D, w as tf.Tensor2D));
    const newW = time(rounds, repeats, fresh, product((x, w) => tf.matMul(x, w)));
    const sameW = time(rounds, repeats, fresh, product((x) => tf.matMul(x, w0)));
    const reversed = time(rounds, repeats, fresh, product((x, w) => tf.transpose(tf.matMul(tf.transpose(w), tf.transpose(x)))));
    // a layer's forward and backward pass with new weights, as in a training step
    const layer = (f: (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor) => ([x, w]: tf.Tensor[]) =>
      tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.tanh(f(xx as tf.Tensor2D, ww as tf.Tensor2D, b0))))([x, w]);
    const direct = time(rounds, repeats, fresh, layer((x, w, b) => tf.add(tf.matMul(x, w), b)));
    const directOrder = time(rounds, repeats, fresh, layer(affineDirectOrder));
    const ours = time(rounds, repeats, fresh, layer(affine));
    console.log(`${`${inputs}x${outputs}`.padEnd(10)}${newW.toFixed(2).padStart(12)}${sameW.toFixed(2).padStart(13)}${reversed.toFixed(2).padStart(13)}${direct.toFixed(2).padStart(15)}${directOrder.toFixed(2).padStart(14)}${ours.toFixed(2).padStart(15)}`);
    tf.dispose([x0, w0, b0]);
  }
  console.log('(layer = forward and backward pass with new weights. "layer, direct": autodiff of x W + b, whose backward products are transposed; "direct order": custom gradient with explicit transposes, every product in the direct order; "layer, affine": lib/nn\'s affine, which reverses the order where that packs less)');

  const x = tf.randomNormal([batch, 784], 0, 3, 'float32', 3);
  console.log(`\nElement-wise functions on a ${batch} x 784 tensor: ns per element\n`);
  for (const [name, f] of [['softplus', tf.softplus], ['exp', tf.exp], ['log1p', (t: tf.Tensor) => tf.log1p(tf.abs(t))], ['sigmoid', tf.sigmoid], ['multiply', (t: tf.Tensor) => tf.mul(t, t)]] as [string, (t: tf.Tensor) => tf.Tensor][]) {
    const ms = time(rounds, repeats, () => [tf.add(x, 0)], ([t]) => tf.tidy(() => f(t)));
    console.log(`  ${name.padEnd(10)}${((ms * 1e6) / x.size).toFixed(1).padStart(8)}`);
  }
  console.log('  (log1p row includes an abs, about as cheap as multiply)');
  x.dispose();
}

main().catch((e) => { console.error(e); process.exit(1); });
