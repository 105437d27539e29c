// Kernel time of one training step, summed by kernel name, so that the next bottleneck is visible.
import * as tf from '../lib/core/tf';
import { adam } from '../lib/core/adam';

/** [kernel, ms, calls] for one Adam step of `loss`, slowest first (a kernel inside a custom gradient counts once, under its own name). */
export async function profileStep(loss: () => tf.Scalar, variables: tf.Variable[], learningRate = 1e-3): Promise<[string, number, number][]> {
  const optimizer = adam(learningRate);
  const info = await tf.profile(() => { const l = optimizer.minimize(loss, true, variables); l?.dispose(); });
  optimizer.dispose();
  const byName = new Map<string, [number, number]>();
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const [t, n] = byName.get(k.name) ?? [0, 0];
    byName.set(k.name, [t + ms, n + 1]);
  }
  return [...byName.entries()].map(([name, [ms, n]]) => [name, ms, n] as [string, number, number]).sort((a, b) => b[1] - a[1]);
}

/** Prints the profile's total and its `top` slowest kernels. */
export function printProfile(title: string, rows: [string, number, number][], top = 8): void {
  const total = rows.reduce((a, r) => a + r[1], 0);
  console.log(`\nprofile of one step, ${title}: ${total.toFixed(1)} ms of kernel time (nested scopes counted again)`);
  rows.slice(0, top).forEach(([name, ms, n]) => console.log(`  ${name.padEnd(24)}${ms.toFixed(2).padStart(9)} ms${String(n).padStart(6)} calls`));
}
