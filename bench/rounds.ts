// Interleaved rounds: ours, PyTorch's, ours, ... in one run, and the median of each side. PyTorch's
// time for the same step varied 2-3x between runs on this VM, so a single reference run decided
// whether a model was above or below a target ratio; alternating rounds exposes both sides to the
// same slow phases, and the medians and per-round ratios show how much the figure moves.
import { ChildProcessWithoutNullStreams, spawn } from 'child_process';
import * as readline from 'readline';
import * as path from 'path';

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

  /** One round of the reference: seconds per step for each of its keys. */
  async measure(): Promise<Seconds> {
    this.child.stdin.write('round\n');
    const line = await this.lines.next();
    if (line.done) throw new Error(`the PyTorch reference stopped:\n${this.stderr.join('')}`);
    return JSON.parse(line.value) as Seconds;
  }

  stop(): void {
    this.child.stdin.end();
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface Compared { ours: number; reference?: number; ratio?: number; low?: number; high?: number }

/**
 * Alternates `rounds` rounds of ours and of the reference. For each key: the median seconds of
 * each side, their ratio (reference / ours: above 1 means we are faster) and the lowest and
 * highest ratio of a single round pair.
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
    const has = theirs.length > 0 && theirs.every((t) => t[key] !== undefined);
    if (!has) { out[key] = { ours: o }; continue; }
    const perRound = mine.map((m, r) => theirs[r][key] / m[key]);
    const ref = median(theirs.map((t) => t[key]));
    out[key] = { ours: o, reference: ref, ratio: ref / o, low: Math.min(...perRound), high: Math.max(...perRound) };
  }
  return out;
}

/** "0.612 (0.55-0.70)": the ratio of medians and its range over the round pairs. */
export function formatRatio(c: Compared): string {
  return c.ratio === undefined ? 'n/a' : `${c.ratio.toFixed(3)} (${c.low!.toFixed(2)}-${c.high!.toFixed(2)})`;
}
