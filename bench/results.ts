// The bench's results on disk: each bench that times a model against PyTorch writes its rows (our
// median, the reference's at its fastest setting, the ratio and its range, each side alone) with the
// reference's setup to build/bench/<bench>.json; bench/report.ts writes bench/RESULTS.md from them.
import { execSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { defaultWasmThreads } from '../lib/engine/wasm-threads';
import { nativeBlasStatus } from '../lib/engine/native-blas';
import { engineOn } from '../lib/engine/switch';
import { Compared, DEFAULT_TORCH_SETTINGS, Measurer } from './rounds';

export interface ResultRow { model: string; unit: 'ms' | 's'; compared: Compared }

export interface BenchResults {
  bench: string;
  /** What one measured step is, in a sentence. */
  title: string;
  /** ISO time at which the bench finished. */
  date: string;
  /** The commit the bench was built from, "+ changes" where the tree differed from it. */
  commit: string;
  backend: string;
  /** The wasm backend's threads (VI_WASM_THREADS, else one per core). */
  wasmThreads: number;
  /** Where the engine's matrix products ran (lib/engine/native-blas.ts): OpenBLAS and its kernel, or why not. */
  products?: string;
  rounds: number;
  /** The torch settings tried (--torch-threads). */
  settings: string;
  /** The reference's own report of how it ran (ThreadSettings.describe), or why there is none. */
  reference: string;
  rows: ResultRow[];
}

/** The folder the benches write to and the report reads from. */
export const RESULTS_DIR = path.resolve(__dirname, '../../build/bench');

/** Rounds a comparison with PyTorch needs before its rows go into the table (a range over one round pair says nothing). */
export const MIN_SAVED_ROUNDS = 3;

/**
 * Why a run's rows stay out of the table, or null. The table compares with PyTorch at its
 * strongest, so a run that tried fewer torch settings (a profiling run, say) or too few rounds is
 * not saved; a bench without a PyTorch process ('none') is saved as it ran.
 */
export function unsavedBecause(r: Pick<BenchResults, 'settings' | 'rounds'>): string | null {
  if (r.settings === 'none') return null;
  if (r.settings !== DEFAULT_TORCH_SETTINGS) return `PyTorch ran under ${r.settings} only, not the table's ${DEFAULT_TORCH_SETTINGS}`;
  if (r.rounds < MIN_SAVED_ROUNDS) return `${r.rounds} round${r.rounds === 1 ? '' : 's'}, fewer than ${MIN_SAVED_ROUNDS}`;
  return null;
}

/**
 * Writes one bench's rows to RESULTS_DIR/<bench>.json and returns the path, or null (with the
 * reason on stderr) for a run the table does not take (unsavedBecause); `reference` is the measurer
 * compared with, or a sentence on what the rows compare with.
 */
export function saveResults(r: Omit<BenchResults, 'date' | 'commit' | 'wasmThreads' | 'products' | 'reference'>, reference: Measurer | string | null, dir = RESULTS_DIR): string | null {
  for (const row of r.rows) {
    if (!(row.compared.ours > 0)) throw new Error(`bench ${r.bench}, row "${row.model}": our time ${row.compared.ours} is not a positive number of seconds`);
  }
  const why = unsavedBecause(r);
  if (why) {
    console.error(`(bench ${r.bench}: rows not saved for bench/RESULTS.md: ${why})`);
    return null;
  }
  const out: BenchResults = { ...r, date: new Date().toISOString(), commit: currentCommit(), wasmThreads: defaultWasmThreads(), products: r.backend === 'wasm' ? (engineOn() ? nativeBlasStatus() : 'products of stock tfjs (VI_ENGINE=stock)') : undefined, reference: typeof reference === 'string' ? reference : reference?.describe?.() ?? 'no PyTorch reference ran (bash bench/setup.sh installs it)' };
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${r.bench}.json`);
  fs.writeFileSync(file, `${JSON.stringify(out, null, 1)}\n`);
  return file;
}

/** Reads every bench's results in `dir`, ordered by bench name; a named error for a file that is not one. */
export function loadResults(dir = RESULTS_DIR): BenchResults[] {
  if (!fs.existsSync(dir)) throw new Error(`no bench results in ${dir}: run the benches first (npm run bench)`);
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => {
    const r = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as BenchResults;
    if (!Array.isArray(r.rows) || typeof r.bench !== 'string') throw new Error(`${path.join(dir, f)} is not a bench result (no bench name or rows): delete it and run the bench again`);
    return r;
  });
}

/** The repository's commit, with "+ changes" where files differ from it; "unknown" outside git. */
export function currentCommit(): string {
  try {
    const run = (cmd: string) => execSync(cmd, { cwd: path.resolve(__dirname, '../..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    // RESULTS.md is what the report itself rewrites: a change to it does not make the code differ
    const changed = run("git status --porcelain --untracked-files=no -- . ':!bench/RESULTS.md'") !== '';
    return `${run('git rev-parse --short HEAD')}${changed ? ' + changes' : ''}`;
  } catch {
    return 'unknown';
  }
}
