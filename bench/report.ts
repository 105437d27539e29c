// Writes the latest run's table into bench/RESULTS.md from the benches' results (build/bench/*.json):
// date, commit, machine, the reference's setup and every model's row. Only the part between the
// two markers is rewritten; the notes below it are kept.
// Usage: node dist/bench/report.js [--results build/bench] [--out bench/RESULTS.md]
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from '../scripts/args';
import { describeSetting } from './rounds';
import { BenchResults, RESULTS_DIR, loadResults } from './results';

export const BEGIN = '<!-- latest run: written by bench/report.ts (npm run bench); edit below the end marker -->';
export const END = '<!-- end of the latest run -->';

export interface Machine { cpu: string; cores: number; memoryGiB: number; avx512: boolean; node: string }

/** This machine, as the report states it. */
export function thisMachine(): Machine {
  let cpuinfo = '';
  try { cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8'); } catch { /* not Linux: no flags to report */ }
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    avx512: /\bavx512f\b/.test(cpuinfo),
    node: process.version,
  };
}

const time = (seconds: number, unit: 'ms' | 's') => (unit === 'ms' ? `${(1000 * seconds).toFixed(seconds < 1e-3 ? 3 : 2)} ms` : `${seconds.toFixed(2)} s`);

/** The reference's setup with the script's name taken out, so that benches' setups compare. */
const setupOf = (r: BenchResults) => r.reference.replace(/^PyTorch reference \S+ /, 'PyTorch ');

/** Whether a bench compared its rows with a PyTorch process (the coding bench, for one, has none). */
const withPyTorch = (r: BenchResults) => r.settings !== 'none';

/** The markdown of the latest run: header, the reference's setup, one table row per model, the rows below 1.0, and the rows timed without PyTorch. */
export function renderResults(results: BenchResults[], machine: Machine): string {
  if (results.length === 0) throw new Error('no bench results to report: run the benches first (npm run bench)');
  const dates = results.map((r) => r.date).sort();
  const commits = [...new Set(results.map((r) => r.commit))];
  const compared = results.filter(withPyTorch);
  const alone = results.filter((r) => !withPyTorch(r));
  const setups = [...new Set(compared.map(setupOf))];
  const unique = (values: (string | number)[]) => [...new Set(values)].join(', ');
  const lines = [
    BEGIN,
    '## The latest run',
    '',
    `\`npm run bench\` at ${commits.map((c) => `**${c}**`).join(', ')}, from ${dates[0].slice(0, 16).replace('T', ' ')} to ${dates[dates.length - 1].slice(0, 16).replace('T', ' ')} UTC.`,
    `Machine: ${machine.cpu}, ${machine.cores} cores${machine.avx512 ? ' (AVX-512)' : ''}, ${machine.memoryGiB} GiB, no GPU; Node ${machine.node}; tfjs backend ${unique(compared.map((r) => r.backend))} on ${unique(compared.map((r) => r.wasmThreads))} threads; the engine's ${unique(compared.map((r) => r.products ?? 'products in WebAssembly'))}.`,
    `PyTorch ran under the settings ${unique(compared.map((r) => r.settings))} (torch threads, /blas OpenBLAS threads), one process each; each row is compared with the fastest.`,
    setups.length === 1 ? 'Every bench\'s reference reported the same setup:' : 'The references reported these setups:',
    '',
    '```',
    ...setups,
    '```',
    '',
    '| bench | model | ours | PyTorch, fastest setting | ratio (range) | each side alone: ours / PyTorch = ratio |',
    '|---|---|---:|---:|---|---|',
  ];
  const below: string[] = [];
  let rows = 0;
  for (const r of compared) {
    for (const { model, unit, compared: c } of r.rows) {
      const reference = c.reference === undefined ? 'n/a' : `${time(c.reference, unit)}${c.setting ? ` (${describeSetting(c.setting)})` : ''}`;
      const ratio = c.ratio === undefined ? 'n/a' : `${c.ratio.toFixed(2)} (${c.low!.toFixed(2)}-${c.high!.toFixed(2)})`;
      const a = c.alone;
      const aloneCell = a?.reference === undefined ? 'n/a' : `${time(a.ours, unit)} / ${time(a.reference, unit)}${a.setting ? ` (${describeSetting(a.setting)})` : ''} = ${a.ratio!.toFixed(2)}`;
      lines.push(`| ${r.bench} | ${model} | ${time(c.ours, unit)} | ${reference} | ${ratio} | ${aloneCell} |`);
      if (c.ratio !== undefined) rows++;
      if (c.ratio !== undefined && c.ratio < 1) below.push(`${model} (${c.ratio.toFixed(2)})`);
    }
  }
  lines.push('', `Ratio = PyTorch's time / ours, from the medians of alternating rounds: above 1 we are faster; the range is over single round pairs. Rounds per bench: ${compared.map((r) => `${r.bench} ${r.rounds}`).join(', ')}.`);
  lines.push('', below.length === 0 ? `All ${rows} rows compared with PyTorch are at or above 1.0.` : `Below 1.0: ${below.length} of the ${rows} rows compared with PyTorch: ${below.join(', ')}.`);
  for (const r of alone) {
    lines.push('', `**${r.bench}**, without a PyTorch process (${r.backend}): ${r.reference}.`, '', '| model | ours |', '|---|---:|',
      ...r.rows.map(({ model, unit, compared: c }) => `| ${model} | ${time(c.ours, unit)} |`));
  }
  lines.push('', '### What each bench times', '', ...results.map((r) => `- **${r.bench}**: ${r.title}`), '', END);
  return lines.join('\n');
}

/** `markdown` with its latest-run block replaced by `block`, or `block` put after the title where there is none yet. */
export function replaceLatest(markdown: string, block: string): string {
  const begin = markdown.indexOf(BEGIN);
  const end = markdown.indexOf(END);
  if (begin >= 0 && end > begin) return markdown.slice(0, begin) + block + markdown.slice(end + END.length);
  if (begin >= 0 || end >= 0) throw new Error('RESULTS.md has one of the latest run\'s markers without the other: restore both or delete the one left');
  const title = markdown.indexOf('\n') + 1;
  return `${markdown.slice(0, title)}\n${block}\n${markdown.slice(title)}`;
}

function main() {
  const args = parseArgs({ results: RESULTS_DIR, out: path.resolve(__dirname, '../../bench/RESULTS.md') });
  const block = renderResults(loadResults(args.results), thisMachine());
  fs.writeFileSync(args.out, replaceLatest(fs.readFileSync(args.out, 'utf8'), block));
  console.log(`wrote the latest run to ${args.out}`);
}

if (require.main === module) main();
