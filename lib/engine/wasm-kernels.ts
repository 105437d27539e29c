// Replacing a tfjs wasm kernel by one of ours that falls back to tfjs's own where it does not apply
// (wasm-slice.ts, wasm-concat.ts, wasm-transpose.ts).
import * as tf from '../core/tf';

const replaced = new Set<string>();

/** Calls that ran our kernel rather than falling back, by kernel name (tests check that the path is taken). */
export const ourKernelCalls: Record<string, number> = {};

/** Counts one call of our kernel `name`. */
export const countOurCall = (name: string): void => { ourKernelCalls[name] = (ourKernelCalls[name] ?? 0) + 1; };

/** Calls of our kernels of these names, together. */
export const ourCallsOf = (...names: string[]): number => names.reduce((s, name) => s + (ourKernelCalls[name] ?? 0), 0);

/**
 * Registers `ours(original)` as the wasm backend's kernel `name`, keeping tfjs's setup and disposal;
 * `original` runs tfjs's kernel. Once per kernel name (later calls do nothing), and nothing where the
 * wasm backend is not registered. Call before the backend's first initialisation.
 */
export function replaceWasmKernel(name: string, ours: (original: tf.KernelFunc) => tf.KernelFunc): void {
  if (replaced.has(name)) return;
  const config = tf.getKernel(name, 'wasm');
  if (!config) return;
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ ...config, kernelFunc: ours((args) => config.kernelFunc(args)) });
  replaced.add(name);
}
