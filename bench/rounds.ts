// Interleaved rounds: ours, PyTorch's, ours, ... in one run, and the median of each side. PyTorch's
// time for the same step varied 2-3x between runs on this VM, so a single reference run decided
// whether a model was above or below a target ratio; alternating rounds exposes both sides to the
// same slow phases, and the medians and per-round ratios show how much the figure moves.
// PyTorch runs at each thread count asked for (one process each, keys "<key>@<threads>"), and each
// model is compared with PyTorch's fastest setting: on this 2-vCPU VM, 2 threads made PyTorch 1.5-4x
// slower than 1 thread on the small models (its threads wait on each other; 25-30% system time), so
// a 2-thread reference alone made our ratios look twice as good as they are.
import { ChildProcessWithoutNullStreams, spawn } from 'child_process';
import * as readline from 'readline';
import * as path from 'path';
import * as fs from 'fs';

export type Seconds = Record<string, number>;

/** Anything timed in rounds on request: a Reference, or a view of one. */
export interface Measurer { measure(): Promise<Seconds>; stop(): void }

/** A PyTorch reference script kept running (`--serve`), timed one round per request. */
export class Reference implements Measurer {
  private constructor(private child: ChildProcessWithoutNullStreams, private lines: AsyncIterableIterator<string>, private stderr: string[]) {}

  /** Starts bench/<script> with the system python; null (with the reason printed) if it cannot run. */
  static async start(script: string, args: string[]): Promise<Reference | null> {
    const child = spawn('/usr/bin/python3', [path.resolve(__dirname, '../../bench', script), ...args, '--serve']);
    const stderr: string[] = [];
    child.stderr.on('data', (d) => stderr.push(String(d)));
    const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const ref = new Reference(child, lines, stderr);
    const first = await lines.next();
    if (first.done) {
      console.error(`PyTorch reference ${script} failed (apt-get install python3-torch python3-scipy):\n${stderr.join('')}`);
      return null;
    }
    return ref;
  }

  /** One round of the reference: seconds per step for each of its keys, returned once its threads are idle. */
  async measure(): Promise<Seconds> {
    this.child.stdin.write('round\n');
    const line = await this.lines.next();
    if (line.done) throw new Error(`the PyTorch reference stopped:\n${this.stderr.join('')}`);
    await settle(this.child.pid);
    return JSON.parse(line.value) as Seconds;
  }

  stop(): void {
    this.child.stdin.end();
  }
}

/**
 * Waits until the process `pid` uses no CPU for 50 ms (at most 2 s). PyTorch's OpenMP threads spin for
 * 100-150 ms after a round on two threads (measured from /proc: 12 ticks of 10 ms within 0.2 s of its
 * answer), which took one of the two cores from the next round of ours: the bosons' iteration measured
 * 41-46 ms after it and 26-27 ms without it. Where /proc is missing, a fixed 300 ms pause.
 */
async function settle(pid: number | undefined): Promise<void> {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const ticks = () => {
    try {
      // utime and stime, the 14th and 15th fields, counted after the command's closing parenthesis
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(')').pop()!.trim().split(/\s+/);
      return Number(fields[11]) + Number(fields[12]);
    } catch {
      return null;
    }
  };
  let last = ticks();
  if (last === null) { await sleep(300); return; }
  for (let waited = 0; waited < 2000; waited += 50) {
    await sleep(50);
    const now = ticks();
    if (now === null || now === last) return;
    last = now;
  }
}

/** PyTorch at several thread counts, one process each: a round times each in turn, keys "<key>@<threads>". */
export class ThreadSettings implements Measurer {
  private constructor(private references: [number, Reference][]) {}

  /** Starts bench/<script> once per thread count (adding --threads n); null if it cannot run. */
  static async start(script: string, args: string[], threads: number[]): Promise<ThreadSettings | null> {
    const references: [number, Reference][] = [];
    for (const n of threads) {
      const reference = await Reference.start(script, [...args, '--threads', String(n)]);
      if (!reference) { references.forEach(([, r]) => r.stop()); return null; }
      references.push([n, reference]);
    }
    return new ThreadSettings(references);
  }

  async measure(): Promise<Seconds> {
    const out: Seconds = {};
    for (const [n, reference] of this.references) {
      for (const [key, seconds] of Object.entries(await reference.measure())) out[`${key}@${n}`] = seconds;
    }
    return out;
  }

  stop(): void {
    this.references.forEach(([, r]) => r.stop());
  }
}

/** The thread counts of a --torch-threads argument such as "1,2". */
export function threadCounts(arg: string): number[] {
  const counts = arg.split(',').map(Number);
  if (counts.length === 0 || counts.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error(`--torch-threads ${arg} is not a list of whole numbers such as 1,2`);
  }
  return counts;
}

/** The measurer with each key's time also under other names (aliases[key]), keeping any "@<threads>" suffix. */
export function withAliases(measurer: Measurer, aliases: Record<string, string[]>): Measurer {
  return {
    measure: async () => {
      const out = await measurer.measure();
      for (const [key, seconds] of Object.entries(out)) {
        const at = key.indexOf('@');
        const [base, suffix] = at < 0 ? [key, ''] : [key.slice(0, at), key.slice(at)];
        for (const alias of aliases[base] ?? []) out[alias + suffix] = seconds;
      }
      return out;
    },
    stop: () => measurer.stop(),
  };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface Compared {
  ours: number;
  reference?: number;
  ratio?: number;
  low?: number;
  high?: number;
  /** The reference's setting compared with (its thread count), where it ran at several. */
  setting?: string;
  /** The reference's median under each setting it ran at. */
  settings?: Record<string, number>;
}

/**
 * Alternates `rounds` rounds of ours and of the reference. For each key: the median seconds of
 * each side, their ratio (reference / ours: above 1 means we are faster) and the lowest and
 * highest ratio of a single round pair. Where the reference reports a key under several settings
 * ("<key>@<setting>"), the setting with the lowest median is the one compared with.
 */
export async function interleave(rounds: number, ours: () => Promise<Seconds> | Seconds, reference: Measurer | null,
  onRound?: (round: number, ours: Seconds, reference?: Seconds) => void, warmup = 0): Promise<Record<string, Compared>> {
  const mine: Seconds[] = [];
  const theirs: Seconds[] = [];
  for (let r = 0; r < warmup; r++) { // untimed rounds on both sides: first-call costs (JIT, memory growth) are not steady state
    await ours();
    if (reference) await reference.measure();
  }
  for (let r = 0; r < rounds; r++) {
    mine.push(await ours());
    if (reference) theirs.push(await reference.measure());
    onRound?.(r, mine[r], theirs[r]);
  }
  reference?.stop();
  const out: Record<string, Compared> = {};
  for (const key of Object.keys(mine[0])) {
    const o = median(mine.map((m) => m[key]));
    const candidates = theirs.length === 0 ? [] : Object.keys(theirs[0])
      .filter((k) => (k === key || k.startsWith(`${key}@`)) && theirs.every((t) => t[k] !== undefined));
    if (candidates.length === 0) { out[key] = { ours: o }; continue; }
    const medians = candidates.map((k) => median(theirs.map((t) => t[k])));
    const best = medians.indexOf(Math.min(...medians));
    const perRound = mine.map((m, r) => theirs[r][candidates[best]] / m[key]);
    const setting = (k: string) => k.slice(key.length + 1);
    out[key] = {
      ours: o, reference: medians[best], ratio: medians[best] / o, low: Math.min(...perRound), high: Math.max(...perRound),
      ...(candidates[best] === key ? {} : { setting: setting(candidates[best]), settings: Object.fromEntries(candidates.map((k, i) => [setting(k), medians[i]])) }),
    };
  }
  return out;
}

const formatSeconds = (seconds: number, unit: 'ms' | 's') => (unit === 'ms' ? `${(1000 * seconds).toFixed(1)} ms` : `${seconds.toFixed(2)} s`);

/** "(1 thread; 2: 9.0 ms)": the reference's setting compared with and the other settings' medians; '' with one setting. */
export function formatSetting(c: Compared, unit: 'ms' | 's' = 'ms'): string {
  if (c.setting === undefined) return '';
  const others = Object.entries(c.settings ?? {}).filter(([k]) => k !== c.setting).map(([k, v]) => `${k}: ${formatSeconds(v, unit)}`);
  return `(${c.setting} thread${c.setting === '1' ? '' : 's'}${others.length ? `; ${others.join(', ')}` : ''})`;
}

/** "6.5 ms (1 thread; 2: 9.0 ms)": the reference's median, the setting compared with, and the other settings' medians. */
export function formatReference(c: Compared, unit: 'ms' | 's' = 'ms'): string {
  if (c.reference === undefined) return 'n/a';
  return [formatSeconds(c.reference, unit), formatSetting(c, unit)].filter((x) => x !== '').join(' ');
}

/** "round 2/7: a 12.0 / 4.1 (1t) / 9.0 (2t) ms, ...": one round's times, ours then the reference's under each setting. */
export function formatRound(round: number, rounds: number, keys: string[], ours: Seconds, reference?: Seconds): string {
  const ms = (seconds: number) => (1000 * seconds).toFixed(1);
  const theirs = (key: string) => Object.keys(reference ?? {}).filter((k) => k === key || k.startsWith(`${key}@`))
    .map((k) => ` / ${ms(reference![k])}${k.includes('@') ? ` (${k.split('@')[1]}t)` : ''}`).join('');
  return `round ${round + 1}/${rounds}: ${keys.map((key) => `${key} ${ms(ours[key])}${theirs(key)} ms`).join(', ')}`;
}

/** "0.612 (0.55-0.70)": the ratio of medians and its range over the round pairs. */
export function formatRatio(c: Compared): string {
  return c.ratio === undefined ? 'n/a' : `${c.ratio.toFixed(3)} (${c.low!.toFixed(2)}-${c.high!.toFixed(2)})`;
}

/** One round of ours: each model's `stepsOf(name)` steps in turn, timed; seconds per step by name. */
export function timeSteps<K extends string>(names: readonly K[], stepsOf: (name: K) => number, oneStep: (name: K) => void): Seconds {
  const timed: Seconds = {};
  for (const name of names) {
    const t0 = performance.now();
    for (let i = 0; i < stepsOf(name); i++) oneStep(name);
    timed[name] = (performance.now() - t0) / 1000 / stepsOf(name);
  }
  return timed;
}

/** The header of a training-step table whose model column is `width` wide. */
export function stepTableHeader(width: number, backend: string): string {
  return `${'model'.padEnd(width)}${`tfjs ${backend} ms`.padStart(16)}${'PyTorch, fastest setting'.padStart(38)}${'tfjs steps/s'.padStart(16)}${'ratio (range)'.padStart(22)}`;
}

/** One row of that table: our median step, PyTorch's, our steps per second and the ratio. */
export function stepTableRow(label: string, width: number, c: Compared): string {
  return `${label.padEnd(width)}${(1000 * c.ours).toFixed(2).padStart(16)}${formatReference(c).padStart(38)}${(1 / c.ours).toFixed(0).padStart(16)}${formatRatio(c).padStart(22)}`;
}
