// Every code cell a reader meets is short and narrow: at most MAX_LINES lines of at most MAX_WIDTH
// characters (scripts/notebook-cells.ts), and lecture text carries no process words.
import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import { cellProblems, MAX_LINES, MAX_WIDTH } from '../../scripts/notebook-cells';

const notebooks = fs
  .readdirSync('notebooks')
  .filter((f) => f.endsWith('.ipynb'))
  .sort();

describe('notebook cells', () => {
  it.each(notebooks)(
    `%s: code cells of at most ${MAX_LINES} lines of ${MAX_WIDTH} characters`,
    (file) => {
      const nb = JSON.parse(fs.readFileSync(`notebooks/${file}`, 'utf8'));
      expect(cellProblems(file, nb.cells)).toEqual([]);
    },
  );

  it.each(notebooks)(
    '%s: no issue numbers, targets or budgets in the text, and exercises at the end',
    (file) => {
      const nb = JSON.parse(fs.readFileSync(`notebooks/${file}`, 'utf8')) as {
        cells: { source: string[] }[];
      };
      const text = nb.cells.map((c) => c.source.join('')).join('\n');
      expect(text).not.toMatch(/issue #\d+|the lecture's target|time budget|\bbudget\b/);
      expect(nb.cells[nb.cells.length - 1].source.join('')).toMatch(/^## Exercises/);
    },
  );

  it('flags a long cell and a wide line', () => {
    const long = { cell_type: 'code', source: Array.from({ length: MAX_LINES + 1 }, () => 'x;\n') };
    const wide = { cell_type: 'code', source: ['y'.repeat(MAX_WIDTH + 1)] };
    const found = cellProblems('t.ipynb', [
      long,
      wide,
      { cell_type: 'markdown', source: ['z'.repeat(500)] },
    ]);
    expect(found.map((p) => p.cell)).toEqual([0, 1]);
  });
});
