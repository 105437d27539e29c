// Trial tables in CSV: header `stimulus,condition,choice,rewardLeft,rewardRight`, one trial a row.
// Every value is validated, and errors name the row (1-based, header = row 1) and the column.
import * as fs from 'fs';
import { DataError } from '../core/errors';
import type { Trial } from './models';

const COLUMNS = ['stimulus', 'condition', 'choice', 'rewardLeft', 'rewardRight'] as const;

export function parseTrialTable(text: string, knownConditions: string[], source = 'trial table'): Trial[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new DataError(`${source} is empty`, `write a header row: ${COLUMNS.join(',')}`);
  const header = lines[0].split(',').map((h) => h.trim());
  const index = COLUMNS.map((c) => header.indexOf(c));
  const missing = COLUMNS.filter((_, i) => index[i] < 0);
  if (missing.length) throw new DataError(`${source} lacks the column(s) ${missing.join(', ')}`, `use the header ${COLUMNS.join(',')}`);
  return lines.slice(1).map((line, r) => {
    const row = r + 2;
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length !== header.length) throw new DataError(`${source} row ${row} has ${cells.length} values, the header ${header.length}`, 'give every row one value per column');
    const get = (c: (typeof COLUMNS)[number]) => cells[index[COLUMNS.indexOf(c)]];
    const number = (c: (typeof COLUMNS)[number], ok: (v: number) => boolean, rule: string) => {
      const v = Number(get(c));
      if (get(c) === '' || !Number.isFinite(v) || !ok(v)) throw new DataError(`${source} row ${row}, column ${c}: "${get(c)}" is not ${rule}`, `write ${rule} in column ${c}`);
      return v;
    };
    const condition = get('condition');
    if (!knownConditions.includes(condition)) throw new DataError(`${source} row ${row}, column condition: unknown condition "${condition}"`, `use one of ${knownConditions.join(', ')}`);
    const choice = number('choice', (v) => v === 0 || v === 1, '0 (Left) or 1 (Right)') as 0 | 1;
    return {
      stimulus: number('stimulus', () => true, 'a number'), condition, choice,
      rewardLeft: number('rewardLeft', (v) => v > 0, 'a positive reward'), rewardRight: number('rewardRight', (v) => v > 0, 'a positive reward'),
    };
  });
}

export function loadTrialTable(path: string, knownConditions: string[]): Trial[] {
  if (!fs.existsSync(path)) throw new DataError(`trial table ${path} is missing`, 'pass the path of a CSV file, or regenerate data/lapses with `node dist/scripts/simulate-lapses.js`');
  return parseTrialTable(fs.readFileSync(path, 'utf8'), knownConditions, path);
}

export function formatTrialTable(trials: Trial[]): string {
  return [COLUMNS.join(','), ...trials.map((t) => [t.stimulus, t.condition, t.choice, t.rewardLeft, t.rewardRight].join(','))].join('\n') + '\n';
}
