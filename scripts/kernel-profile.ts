// Kernel time of a whole tslab kernel process, summed by kernel name: preloaded with
// NODE_OPTIONS=--require by `run-notebooks --profile-kernels true`, so that a lecture's next
// bottleneck is visible without changing the lecture. Each outermost tfjs kernel call is timed
// (kernels called inside another kernel count under the outer one); autodiff's backward kernels are
// kernel calls too. The totals go to $VI_KERNEL_PROFILE-<pid>.json every few seconds and at exit.
import * as fs from 'fs';

export interface KernelProfile {
  /** Milliseconds since the profile started. */
  wall: number;
  /** Per kernel name: milliseconds inside it and calls. */
  kernels: Record<string, { ms: number; calls: number }>;
}

/** Wraps tfjs's engine.runKernel to time every outermost kernel call into `profile`; returns the unwrapping. */
export function timeKernels(profile: KernelProfile): () => void {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const engine = require('@tensorflow/tfjs-core').engine();
  const original = engine.runKernel;
  const own = Object.prototype.hasOwnProperty.call(engine, 'runKernel');
  const run = original.bind(engine);
  let depth = 0;
  engine.runKernel = (name: string, inputs: unknown, attrs: unknown) => {
    if (depth > 0) return run(name, inputs, attrs);
    depth++;
    const start = process.hrtime.bigint();
    try {
      return run(name, inputs, attrs);
    } finally {
      depth--;
      const k = profile.kernels[name] ?? (profile.kernels[name] = { ms: 0, calls: 0 });
      k.ms += Number(process.hrtime.bigint() - start) / 1e6;
      k.calls++;
    }
  };
  return () => {
    if (own) engine.runKernel = original;
    else delete engine.runKernel;
  };
}

/** The `top` kernels of a profile as text lines, slowest first. */
export function profileLines(p: KernelProfile, top = 12): string[] {
  const rows = Object.entries(p.kernels).sort((a, b) => b[1].ms - a[1].ms);
  const inside = rows.reduce((s, [, k]) => s + k.ms, 0);
  return [`${(p.wall / 1000).toFixed(0)} s in the kernel process, ${(inside / 1000).toFixed(1)} s inside tfjs kernels:`,
    ...rows.slice(0, top).map(([name, k]) => `  ${name.padEnd(22)} ${(k.ms / 1000).toFixed(2).padStart(8)} s ${String(k.calls).padStart(9)} calls ${(1000 * k.ms / k.calls).toFixed(1).padStart(9)} us/call`)];
}

const prefix = process.env.VI_KERNEL_PROFILE;
// only the tslab kernel: the runner and Jupyter's own node processes inherit NODE_OPTIONS too
if (prefix && process.argv.some((a) => a.includes('tslab'))) {
  const profile: KernelProfile = { wall: 0, kernels: {} };
  const started = Date.now();
  timeKernels(profile);
  const write = () => {
    profile.wall = Date.now() - started;
    fs.writeFileSync(`${prefix}-${process.pid}.json`, JSON.stringify(profile));
  };
  setInterval(write, 3000).unref();
  process.on('exit', write);
}
