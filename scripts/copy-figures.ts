// Copies each lecture's headline figure (named in scripts/syllabus.ts) from the last built book into docs/figures/, for
// the README's syllabus. Usage: npm run figures (after npm run lectures).
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const book = path.join(ROOT, 'build', 'book.json');
if (!fs.existsSync(book)) {
  console.error('no build/book.json: build the book first with npm run lectures');
  process.exit(1);
}
const pages = JSON.parse(fs.readFileSync(book, 'utf8')) as { name: string; headline?: string }[];
const target = path.join(ROOT, 'docs', 'figures');
fs.mkdirSync(target, { recursive: true });
for (const p of pages) {
  if (!p.headline) {
    console.log(`${p.name}: no figure`);
    continue;
  }
  const png = path.join(ROOT, 'build', p.headline.replace(/\.svg$/, '.png'));
  fs.copyFileSync(png, path.join(target, `${p.name}.png`));
  console.log(`${p.name}: ${p.headline} -> docs/figures/${p.name}.png`);
}
