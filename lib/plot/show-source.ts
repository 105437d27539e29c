// Shows the library code of a lecture's idea where its equation is derived: the TypeScript source
// of one function, method or class of lib/, with the comment above it, as a code block.
import * as fs from 'fs';
import * as path from 'path';
import { DataError } from '../core/errors';
import { showMarkdown } from './show';

// dist/lib/plot -> the project root, whose lib/ holds the sources the reader can open
const LIB = path.resolve(__dirname, '..', '..', '..', 'lib');

/** The lines of `name` in lib/FILE: its doc comment, signature and body (braces matched). */
export function sourceOf(file: string, name: string, root = LIB): string {
  const full = path.join(root, file);
  if (!fs.existsSync(full)) {
    throw new DataError(`lib/${file} does not exist`, 'give a path under lib/, such as "vae/vae.ts"');
  }
  const lines = fs.readFileSync(full, 'utf8').split('\n');
  const decl = new RegExp(`^\\s*(export\\s+)?(async\\s+)?(function\\s+${name}\\b|class\\s+${name}\\b|(const|let)\\s+${name}\\b|(static\\s+|private\\s+)?${name}\\s*[(<])`);
  const start = lines.findIndex((l) => decl.test(l));
  if (start < 0) {
    throw new DataError(`lib/${file} declares no function, method or class named ${name}`, `check the name in lib/${file}`);
  }
  let first = start;
  while (first > 0 && /^\s*(\/\*\*|\*|\/\/)/.test(lines[first - 1])) first--;
  // the body ends where the braces opened from the declaration on balance again
  let depth = 0, opened = false, end = start;
  for (; end < lines.length; end++) {
    for (const ch of lines[end].replace(/(['"`])(?:\\.|(?!\1).)*\1/g, '').replace(/\/\/.*$/, '')) {
      if (ch === '{') { depth++; opened = true; } else if (ch === '}') depth--;
    }
    if (opened && depth <= 0) break;
    if (!opened && /;\s*$/.test(lines[end])) break;
  }
  const block = lines.slice(first, end + 1);
  const indent = Math.min(...block.filter((l) => l.trim()).map((l) => /^\s*/.exec(l)![0].length));
  return block.map((l) => l.slice(indent)).join('\n');
}

/** Displays `name` from lib/FILE as a TypeScript code block headed by its file name. */
export function showSource(file: string, name: string): void {
  showMarkdown(`\`lib/${file}\`\n\n\`\`\`ts\n${sourceOf(file, name)}\n\`\`\``);
}
