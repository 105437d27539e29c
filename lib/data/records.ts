// The JSON records that scripts/ write to data/ and lectures read: a missing, corrupt or mismatched
// file is refused with the command that makes it again.
import * as fs from 'fs';
import { DataError } from '../core/errors';

/** Reads a record of `experiment`; `remake` is the command that writes it (named in the error). */
export function readRecord(file: string, experiment: string, remake: string): any {
  if (!fs.existsSync(file)) {
    throw new DataError(`${file} is missing`, `run \`${remake}\` to make it, or restore it from git`);
  }
  let record: any;
  try {
    record = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new DataError(`${file} is not valid JSON (${(e as Error).message})`, `restore it from git or run \`${remake}\` again`);
  }
  if (record?.experiment !== experiment) {
    throw new DataError(`${file} holds experiment '${record?.experiment}', not '${experiment}'`, 'pass the file that experiment wrote');
  }
  return record;
}
