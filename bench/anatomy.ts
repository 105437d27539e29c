// Where a training step's time goes: inside tfjs kernels (outermost calls, as the lecture profiler
// counts them), outside them (tfjs's engine and tape, our JavaScript, the optimiser's bookkeeping),
// and how much of the whole was garbage collection. Small models run hundreds of kernels per step,
// so the time outside kernels decides how close they come to PyTorch.
import { PerformanceObserver } from 'perf_hooks';
import { KernelProfile, timeKernels } from '../scripts/kernel-profile';

export interface StepAnatomy {
  /** Milliseconds per step, wall clock. */
  wall: number;
  /** Milliseconds per step inside outermost tfjs kernels. */
  inKernels: number;
  /** Outermost kernel calls per step. */
  kernels: number;
  /** Milliseconds per step of garbage collection, wherever it fell. */
  gc: number;
  /** The kernels with the most time, per step: [name, ms, calls]. */
  top: [string, number, number][];
}

/** Runs `step` `steps` times and measures where the time went (run a few untimed steps first). */
export async function stepAnatomy(step: () => void, steps: number, top = 5): Promise<StepAnatomy> {
  const profile: KernelProfile = { wall: 0, kernels: {} };
  let gcMs = 0;
  const observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) gcMs += e.duration; });
  observer.observe({ entryTypes: ['gc'] });
  const untime = timeKernels(profile);
  const t0 = performance.now();
  try {
    for (let i = 0; i < steps; i++) step();
  } finally {
    profile.wall = performance.now() - t0;
    untime();
  }
  await new Promise((resolve) => setTimeout(resolve, 50)); // the observer hears of collections on a later turn (not setImmediate's)
  observer.disconnect();
  const rows = Object.entries(profile.kernels);
  return {
    wall: profile.wall / steps,
    inKernels: rows.reduce((s, [, k]) => s + k.ms, 0) / steps,
    kernels: rows.reduce((s, [, k]) => s + k.calls, 0) / steps,
    gc: gcMs / steps,
    top: rows.sort((a, b) => b[1].ms - a[1].ms).slice(0, top).map(([name, k]) => [name, k.ms / steps, k.calls / steps]),
  };
}

/** The anatomy as one table row: wall, kernels per step, inside and outside kernels, GC, and the top kernels. */
export function anatomyRow(label: string, width: number, a: StepAnatomy): string {
  const ms = (v: number) => v.toFixed(2).padStart(9);
  const share = (v: number) => `${(100 * v / a.wall).toFixed(0)}%`.padStart(5);
  return `${label.padEnd(width)}${ms(a.wall)}${a.kernels.toFixed(0).padStart(9)}${ms(a.inKernels)}${share(a.inKernels)}${ms(a.wall - a.inKernels)}${share(a.wall - a.inKernels)}${ms(a.gc)}   ${a.top.map(([n, t, c]) => `${n} ${t.toFixed(2)} (${c.toFixed(0)})`).join(', ')}`;
}

/** The header of anatomyRow's table. */
export function anatomyHeader(width: number): string {
  return `${'model'.padEnd(width)}${'ms/step'.padStart(9)}${'kernels'.padStart(9)}${'in kernels ms'.padStart(14)}${'outside ms'.padStart(14)}${'GC ms'.padStart(9)}   top kernels: ms per step (calls)`;
}

/** Prints the anatomy of each model's step (`steps` steps after 3 untimed), for a bench's --anatomy true. */
export async function printAnatomies<K extends string>(names: readonly K[], labelOf: (name: K) => string, oneStep: (name: K) => void, steps: number): Promise<void> {
  const width = Math.max(...names.map((n) => labelOf(n).length)) + 2;
  console.log(`\nWhere each step's time goes (${steps} steps; "outside" is tfjs's engine and tape and our JavaScript; GC wherever it fell)\n`);
  console.log(anatomyHeader(width));
  for (const name of names) {
    for (let i = 0; i < 3; i++) oneStep(name);
    console.log(anatomyRow(labelOf(name), width, await stepAnatomy(() => oneStep(name), steps)));
  }
}
