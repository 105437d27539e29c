// Keeps notebook code cells readable: reports cells longer than MAX_LINES or with lines wider than
// MAX_WIDTH (a formatter would lengthen cells, so they are shaped by hand).
// Usage: node dist/scripts/notebook-cells.js   (exit 1 on problems)
import * as fs from 'fs';
import * as path from 'path';

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

function main(): void {
  const dir = path.join(ROOT, 'notebooks');
  const problems = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ipynb'))
    .sort()
    .flatMap((file) =>
      cellProblems(file, JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')).cells),
    );
  for (const p of problems) console.log(`${p.notebook} cell ${p.cell}: ${p.problem}`);
  console.log(`[cells] ${problems.length} problems`);
  if (problems.length > 0) process.exit(1);
}

if (require.main === module) main();
