// Shared test helpers: the tensor-leak guard and numeric comparisons.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../lib/core/tf';
import { nativeBlasStatus, nativeProducts } from '../lib/engine/native-blas';

/** Runs fn and fails unless it leaves exactly `held` new tensors behind (those its result holds). */
export async function expectNoLeak<T>(fn: () => T | Promise<T>, held = 0): Promise<T> {
  const before = tf.memory().numTensors;
  const out = await fn();
  expect(tf.memory().numTensors - before, 'new tensors after the call (held by the result, or leaked)').toBe(held);
  return out;
}

/** Runs fn, which must throw `error`, and fails if the failed call left any tensor behind. */
export function expectThrowsWithoutLeak(fn: () => unknown, error: RegExp | (new (...args: never[]) => Error)): void {
  const before = tf.memory().numTensors;
  expect(fn).toThrow(error);
  expect(tf.memory().numTensors - before, 'tensors left behind by a refused call').toBe(0);
}

/** Element-wise |a - b| <= atol + rtol * |b|. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-5, rtol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const tol = atol + rtol * Math.abs(expected[i]);
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
      throw new Error(`entry ${i}: ${actual[i]} differs from ${expected[i]} by more than ${tol}`);
    }
  }
}

export function values(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

/** False under VI_ENGINE=stock: tests of the engine's own kernels then do not apply, and are skipped. */
/** Runs f and lists every kernel tfjs ran meanwhile, at any depth (inside other kernels too), in order. */
export function withKernelNames<T>(f: () => T): { out: T; names: string[] } {
  const engine = tf.engine() as unknown as { runKernel: (...args: unknown[]) => unknown };
  const own = Object.prototype.hasOwnProperty.call(engine, 'runKernel');
  const original = engine.runKernel;
  const names: string[] = [];
  engine.runKernel = function counted(this: unknown, ...args: unknown[]) {
    names.push(args[0] as string);
    return original.apply(this, args);
  };
  try {
    return { out: f(), names };
  } finally {
    if (own) engine.runKernel = original;
    else delete (engine as { runKernel?: unknown }).runKernel;
  }
}

/** Runs `run` with a piece of the engine taken out (`off`), then put back (`on`): tfjs's result, then the engine's. */
export function withoutThenWith<T>(off: () => void, on: () => void, run: () => T): { stock: T; engine: T } {
  off();
  let stock: T;
  try {
    stock = run();
  } finally {
    on();
  }
  return { stock, engine: run() };
}

/** The message that f throws, or 'no error'. */
export function thrownMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
}

export const ENGINE = process.env.VI_ENGINE !== 'stock';

/** Runs `run` on the wasm backend, which must leave no tensor behind, then on the cpu backend, and returns both results. */
export async function onWasmAndCpu<T>(run: () => T): Promise<{ wasm: T; cpu: T }> {
  const before = tf.memory().numTensors;
  const wasm = run();
  expect(tf.memory().numTensors, 'tensors left on wasm').toBe(before);
  await tf.setBackend('cpu');
  try {
    return { wasm, cpu: run() };
  } finally {
    await tf.setBackend('wasm');
  }
}

/** Whether the engine's OpenBLAS addon is loaded here (CI builds it; tests/engine/wasm-matmul.test.ts requires it there). */
export const OPENBLAS = ENGINE && nativeBlasStatus().startsWith('products on OpenBLAS');

/**
 * The tests in `body` twice: as `title` "on <wasm>" with OpenBLAS switched off, and "on OpenBLAS"
 * (skipped, with the reason, where its addon is not loaded). `count` is the OpenBLAS calls made so
 * far: each run checks that it took its own path.
 */
export function onBothPaths(title: string, wasm: string, count: () => number, body: (native: boolean) => void): void {
  describe.each([[wasm, false], ['OpenBLAS', true]] as const)(`${title} on %s`, (_, native) => {
    let calls = 0;
    beforeAll(() => {
      nativeProducts.enabled = native;
      calls = count();
    });
    afterAll(() => {
      if (OPENBLAS) expect(count() > calls, `calls of OpenBLAS ${native ? 'made' : 'avoided'}`).toBe(native);
      nativeProducts.enabled = true;
    });
    if (native && !OPENBLAS) {
      it.skip(`needs the OpenBLAS addon (${ENGINE ? nativeBlasStatus() : 'stock tfjs'})`, () => undefined);
      return;
    }
    body(native);
  });
}
