// Interleaved rounds: ours, PyTorch's, ours, ... in one run, and the median of each side. PyTorch's
// time for the same step varied 2-3x between runs on this VM, so a single reference run decided
// whether a model was above or below a target ratio; alternating rounds exposes both sides to the
// same slow phases, and the medians and per-round ratios show how much the figure moves.
// PyTorch runs under each setting asked for (one process each, keys "<key>@<setting>"), and each
// model is compared with PyTorch's fastest setting: on this 2-vCPU VM, 2 threads made PyTorch 1.5-4x
// slower than 1 thread on the small models (its threads wait on each other; 25-30% system time), so
// a 2-thread reference alone made our ratios look twice as good as they are. A setting is torch's
// threads and OpenBLAS's: by default one pool at a time (OpenBLAS on one thread under torch's two),
// since Debian's torch runs its OpenMP threads on top of OpenBLAS's own and two pools oversubscribe
// two cores. The machine's OpenBLAS overrides (which pin its kernel) are unset for the reference.
// After the alternating rounds, each side runs alone: ours back to back with no reference process
// alive, then a fresh reference process back to back while ours is idle.
import { ChildProcessWithoutNullStreams, spawn } from 'child_process';
import * as readline from 'readline';
import * as path from 'path';
import * as fs from 'fs';

export type Seconds = Record<string, number>;

/**
 * Anything timed in rounds on request: a Reference, or a view of one. `restart` starts the same
 * measurer afresh in new processes (for the rounds alone); `describe` says how it runs.
 */
export interface Measurer { measure(): Promise<Seconds>; stop(): void; restart?(): Promise<Measurer | null>; describe?(): string }

/** One way to run the reference: torch's threads and OpenBLAS's threads. */
export interface TorchSetting { label: string; torchThreads: number; blasThreads: number }

/** The settings every bench tries unless told otherwise (--torch-threads). */
export const DEFAULT_TORCH_SETTINGS = '1,2,1/blas2';

/**
 * The settings of a --torch-threads argument such as "1,2,1/blas2": "n" is n torch threads with
 * OpenBLAS on one thread (torch's pool alone); "n/blasm" is n torch threads and m OpenBLAS threads.
 */
export function torchSettings(arg: string): TorchSetting[] {
  const settings = arg.split(',').map((label) => {
    const m = /^(\d+)(?:\/blas(\d+))?$/.exec(label.trim());
    const [torchThreads, blasThreads] = m ? [Number(m[1]), Number(m[2] ?? 1)] : [NaN, NaN];
    return { label: label.trim(), torchThreads, blasThreads };
  });
  if (settings.some((s) => !(s.torchThreads >= 1 && s.blasThreads >= 1))) {
    throw new Error(`--torch-threads ${arg} is not a list of settings such as 1,2,1/blas2 (torch threads, optionally /blas and OpenBLAS threads)`);
  }
  return settings;
}

/** "2 threads" or "1 thread, OpenBLAS on 2": a setting's label in words. */
export function describeSetting(label: string): string {
  const [s] = torchSettings(label);
  return `${s.torchThreads} thread${s.torchThreads === 1 ? '' : 's'}${s.blasThreads === 1 ? '' : `, OpenBLAS on ${s.blasThreads}`}`;
}

/** The machine's OpenBLAS overrides: they pin its kernel choice and cache size for safety. */
export const BLAS_OVERRIDES = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'];

/** The reference's environment under setting `s`: its thread pools, and without the overrides unless `keepOverrides`. */
function referenceEnv(s: TorchSetting, keepOverrides: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: String(s.blasThreads), OMP_NUM_THREADS: String(s.torchThreads) };
  if (!keepOverrides) for (const name of BLAS_OVERRIDES) delete env[name];
  return env;
}

/** What the reference reported of itself when it started (bench/rounds.py's setup()). */
interface ReferenceSetup { torch?: string; threads?: number; onednn?: boolean; blas?: { internal_api?: string; version?: string; architecture?: string; num_threads?: number }[] | string }

/** A PyTorch reference script kept running (`--serve`), timed one round per request. */
export class Reference implements Measurer {
  private constructor(private child: ChildProcessWithoutNullStreams, private lines: AsyncIterableIterator<string>, private stderr: string[], readonly setup: ReferenceSetup) {}

  /** Starts bench/<script> with the system python; null (with the reason printed unless `quiet`) if it cannot run. */
  static async start(script: string, args: string[], env: NodeJS.ProcessEnv = process.env, quiet = false): Promise<Reference | null> {
    const child = spawn('/usr/bin/python3', [path.resolve(__dirname, '../../bench', script), ...args, '--serve'], { env });
    const stderr: string[] = [];
    child.stderr.on('data', (d) => stderr.push(String(d)));
    const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done) {
      if (!quiet) console.error(`PyTorch reference ${script} failed (bash bench/setup.sh installs it):\n${stderr.join('')}`);
      return null;
    }
    return new Reference(child, lines, stderr, (JSON.parse(first.value) as { setup?: ReferenceSetup }).setup ?? {});
  }

  /** One round of the reference, started once our process is idle: seconds per step for each of its keys, returned once its threads are idle. */
  async measure(): Promise<Seconds> {
    await settle(process.pid);
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

/**
 * PyTorch under several settings, one process each: a round times each in turn, keys "<key>@<setting>".
 * The machine's OpenBLAS overrides are unset for the reference; where it cannot start so, it runs with them.
 */
export class ThreadSettings implements Measurer {
  private constructor(private script: string, private args: string[], private references: [TorchSetting, Reference][], private keepOverrides: boolean) {}

  /** Starts bench/<script> once per setting (adding --threads n); null if it cannot run. Prints how it runs. */
  static async start(script: string, args: string[], settings: TorchSetting[], quiet = false): Promise<ThreadSettings | null> {
    const overrides = BLAS_OVERRIDES.filter((name) => process.env[name] !== undefined);
    // a failure is printed unless the start with the overrides comes next
    let started = await ThreadSettings.startAll(script, args, settings, false, overrides.length > 0);
    if (!started && overrides.length > 0) {
      console.error(`PyTorch reference ${script} did not start without ${overrides.join(', ')}; running it with the machine's overrides`);
      started = await ThreadSettings.startAll(script, args, settings, true, false);
    }
    if (started && !quiet) console.log(started.describe());
    return started;
  }

  private static async startAll(script: string, args: string[], settings: TorchSetting[], keepOverrides: boolean, quiet: boolean): Promise<ThreadSettings | null> {
    const references: [TorchSetting, Reference][] = [];
    for (const s of settings) {
      const reference = await Reference.start(script, [...args, '--threads', String(s.torchThreads)], referenceEnv(s, keepOverrides), quiet);
      if (!reference) { references.forEach(([, r]) => r.stop()); return null; }
      references.push([s, reference]);
    }
    return new ThreadSettings(script, args, references, keepOverrides);
  }

  async measure(): Promise<Seconds> {
    const out: Seconds = {};
    for (const [s, reference] of this.references) {
      for (const [key, seconds] of Object.entries(await reference.measure())) out[`${key}@${s.label}`] = seconds;
    }
    return out;
  }

  stop(): void {
    this.references.forEach(([, r]) => r.stop());
  }

  restart(): Promise<ThreadSettings | null> {
    return ThreadSettings.startAll(this.script, this.args, this.references.map(([s]) => s), this.keepOverrides, false);
  }

  /** The reference's setup: the machine's overrides and, per setting, torch's threads, oneDNN and the BLAS kernel in use. */
  describe(): string {
    const overrides = BLAS_OVERRIDES.filter((name) => process.env[name] !== undefined).map((name) => `${name}=${process.env[name]}`);
    const machine = overrides.length === 0 ? 'the machine sets no OpenBLAS overrides'
      : `the machine sets ${overrides.join(', ')}; ${this.keepOverrides ? 'kept' : 'unset'} for the reference`;
    const lines = this.references.map(([s, r]) => {
      const blas = typeof r.setup.blas === 'string' ? r.setup.blas
        : (r.setup.blas ?? []).map((b) => `${b.internal_api} ${b.version}, kernel ${b.architecture}, ${b.num_threads} thread${b.num_threads === 1 ? '' : 's'}`).join('; ');
      return `  ${describeSetting(s.label)}: torch ${r.setup.torch} on ${r.setup.threads} thread${r.setup.threads === 1 ? '' : 's'}, oneDNN ${r.setup.onednn ? 'on' : 'off'}, ${blas || 'no BLAS reported'}`;
    });
    return [`PyTorch reference ${this.script} (${machine}):`, ...lines].join('\n');
  }
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
    restart: measurer.restart ? async () => {
      const fresh = await measurer.restart!();
      return fresh && withAliases(fresh, aliases);
    } : undefined,
    describe: measurer.describe ? () => measurer.describe!() : undefined,
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
  /** Each side's median over rounds run alone (ours with no reference process alive, then a fresh reference while ours is idle). */
  alone?: { ours: number; reference?: number; ratio?: number; setting?: string };
}

/** Of the reference's keys "<key>" or "<key>@<setting>" reported in every round, the one with the lowest median. */
function fastestSetting(key: string, theirs: Seconds[]): { name: string; median: number; medians: Record<string, number> } | null {
  const candidates = theirs.length === 0 ? [] : Object.keys(theirs[0])
    .filter((k) => (k === key || k.startsWith(`${key}@`)) && theirs.every((t) => t[k] !== undefined));
  if (candidates.length === 0) return null;
  const medians = Object.fromEntries(candidates.map((k) => [k, median(theirs.map((t) => t[k]))]));
  const name = candidates.reduce((a, b) => (medians[b] < medians[a] ? b : a));
  return { name, median: medians[name], medians };
}

/**
 * Alternates `rounds` rounds of ours and of the reference. For each key: the median seconds of
 * each side, their ratio (reference / ours: above 1 means we are faster) and the lowest and
 * highest ratio of a single round pair. Where the reference reports a key under several settings
 * ("<key>@<setting>"), the setting with the lowest median is the one compared with. Then, where the
 * reference can restart and `alone`, each side runs `rounds` rounds alone (Compared.alone).
 */
export async function interleave(rounds: number, ours: () => Promise<Seconds> | Seconds, reference: Measurer | null,
  onRound?: (round: number, ours: Seconds, reference?: Seconds) => void, warmup = 0, alone = true): Promise<Record<string, Compared>> {
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
  const mineAlone: Seconds[] = [];
  const theirsAlone: Seconds[] = [];
  if (reference?.restart && alone) {
    for (let r = 0; r < rounds; r++) mineAlone.push(await ours());
    const fresh = await reference.restart();
    if (fresh) {
      for (let r = 0; r < warmup; r++) await fresh.measure();
      for (let r = 0; r < rounds; r++) theirsAlone.push(await fresh.measure());
      fresh.stop();
    }
  }
  const out: Record<string, Compared> = {};
  for (const key of Object.keys(mine[0])) {
    const o = median(mine.map((m) => m[key]));
    const fastest = fastestSetting(key, theirs);
    if (!fastest) { out[key] = { ours: o }; continue; }
    const perRound = mine.map((m, r) => theirs[r][fastest.name] / m[key]);
    const setting = (k: string) => k.slice(key.length + 1);
    out[key] = {
      ours: o, reference: fastest.median, ratio: fastest.median / o, low: Math.min(...perRound), high: Math.max(...perRound),
      ...(fastest.name === key ? {} : { setting: setting(fastest.name), settings: Object.fromEntries(Object.entries(fastest.medians).map(([k, v]) => [setting(k), v])) }),
    };
    if (mineAlone.length > 0) {
      const oursAlone = median(mineAlone.map((m) => m[key]));
      const theirsFastest = fastestSetting(key, theirsAlone);
      out[key].alone = { ours: oursAlone, ...(theirsFastest ? { reference: theirsFastest.median, ratio: theirsFastest.median / oursAlone, ...(theirsFastest.name === key ? {} : { setting: setting(theirsFastest.name) }) } : {}) };
    }
  }
  return out;
}

const formatSeconds = (seconds: number, unit: 'ms' | 's') => (unit === 'ms' ? `${(1000 * seconds).toFixed(1)} ms` : `${seconds.toFixed(2)} s`);

/** "(1 thread; 2: 9.0 ms)": the reference's setting compared with and the other settings' medians; '' with one setting. */
export function formatSetting(c: Compared, unit: 'ms' | 's' = 'ms'): string {
  if (c.setting === undefined) return '';
  const others = Object.entries(c.settings ?? {}).filter(([k]) => k !== c.setting).map(([k, v]) => `${k}: ${formatSeconds(v, unit)}`);
  return `(${describeSetting(c.setting)}${others.length ? `; ${others.join(', ')}` : ''})`;
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

/** "alone 10.4 / 8.1 ms (1 thread) = 0.779": each side's median run alone, and their ratio; '' if not run. */
export function formatAlone(c: Compared, unit: 'ms' | 's' = 'ms'): string {
  const a = c.alone;
  if (!a || a.reference === undefined) return '';
  return `alone ${formatSeconds(a.ours, unit)} / ${formatSeconds(a.reference, unit)}${a.setting ? ` (${describeSetting(a.setting)})` : ''} = ${a.ratio!.toFixed(3)}`;
}

/** The tables' footnote on the reference: the settings it ran under and what "alone" means. */
export function referenceNote(settings: string): string {
  return `PyTorch at its fastest of the settings ${settings} (torch threads, /blas OpenBLAS threads); alone: each side's rounds back to back, the other's process stopped or idle`;
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
  return `${'model'.padEnd(width)}${`tfjs ${backend} ms`.padStart(16)}${'PyTorch, fastest setting'.padStart(58)}${'tfjs steps/s'.padStart(16)}${'ratio (range)'.padStart(22)}   each side alone: ours / PyTorch = ratio`;
}

/** One row of that table: our median step, PyTorch's, our steps per second and the ratio. */
export function stepTableRow(label: string, width: number, c: Compared): string {
  return `${label.padEnd(width)}${(1000 * c.ours).toFixed(2).padStart(16)}${` ${formatReference(c)}`.padStart(58)}${(1 / c.ours).toFixed(0).padStart(16)}${` ${formatRatio(c)}`.padStart(22)}   ${formatAlone(c)}`;
}
