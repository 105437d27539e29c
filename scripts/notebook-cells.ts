// Keeps notebook code cells readable: formats them with prettier (the settings of .prettierrc.json)
// and reports cells longer than MAX_LINES or with lines wider than MAX_WIDTH.
// Usage: node dist/scripts/notebook-cells.js [--write true]   (without --write: check only, exit 1 on problems)
import * as fs from 'fs';
import * as path from 'path';
import * as prettier from 'prettier';
import { parseArgs } from './args';

export const MAX_LINES = 30;
export const MAX_WIDTH = 100;
const ROOT = path.resolve(__dirname, '..', '..');

interface Cell {
  cell_type: string;
  source: string[] | string;
}
export interface CellProblem {
  notebook: string;
  cell: number;
  problem: string;
}

const text = (c: Cell) => (Array.isArray(c.source) ? c.source.join('') : c.source);

/** Problems of one notebook's code cells: too long, too wide. */
export function cellProblems(notebook: string, cells: Cell[]): CellProblem[] {
  const out: CellProblem[] = [];
  cells.forEach((c, i) => {
    if (c.cell_type !== 'code') return;
    const lines = text(c).split('\n');
    if (lines.length > MAX_LINES)
      out.push({ notebook, cell: i, problem: `${lines.length} lines (at most ${MAX_LINES})` });
    lines.forEach((l, k) => {
      if (l.length > MAX_WIDTH)
        out.push({
          notebook,
          cell: i,
          problem: `line ${k + 1} has ${l.length} characters (at most ${MAX_WIDTH})`,
        });
    });
  });
  return out;
}

async function formatCell(source: string, options: prettier.Options): Promise<string> {
  return (await prettier.format(source, { ...options, parser: 'typescript' })).replace(/\n$/, '');
}

async function main(): Promise<void> {
  const args = parseArgs({ write: 'false' });
  const options = JSON.parse(
    fs.readFileSync(path.join(ROOT, '.prettierrc.json'), 'utf8'),
  ) as prettier.Options;
  const dir = path.join(ROOT, 'notebooks');
  const problems: CellProblem[] = [];
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ipynb'))
    .sort()) {
    const nb = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { cells: Cell[] };
    if (args.write === 'true') {
      for (const c of nb.cells.filter((c) => c.cell_type === 'code')) {
        const formatted = await formatCell(text(c), options);
        c.source = formatted.split(/(?<=\n)/);
      }
      fs.writeFileSync(path.join(dir, file), `${JSON.stringify(nb, null, 1)}\n`);
    }
    problems.push(...cellProblems(file, nb.cells));
  }
  for (const p of problems) console.log(`${p.notebook} cell ${p.cell}: ${p.problem}`);
  console.log(`[cells] ${problems.length} problems`);
  if (problems.length > 0 && args.write !== 'true') process.exit(1);
}

if (require.main === module)
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
