// Executes every notebook in notebooks/ headless through the real tslab kernel, writing
// build/NAME.ipynb (executed), build/NAME.html (static, every figure inline) and build/index.html.
// Usage: node dist/scripts/run-notebooks.js [--only PATTERN] [--timeout SECONDS]
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from './args';

const ROOT = path.resolve(__dirname, '..', '..');
const PY = '/usr/bin/python3';

interface Outcome { name: string; title: string; seconds: number; ok: boolean }

function title(nbPath: string): string {
  const nb = JSON.parse(fs.readFileSync(nbPath, 'utf8'));
  const first = nb.cells.find((c: { cell_type: string }) => c.cell_type === 'markdown');
  const src: string = first ? [].concat(first.source).join('') : '';
  return (/^#\s+(.+)$/m.exec(src)?.[1] ?? path.basename(nbPath)).trim();
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function main(): void {
  const args = parseArgs({ only: '', timeout: '240' });
  const env = { ...process.env, JUPYTER_PATH: path.join(ROOT, '.jupyter/share/jupyter'), PYTHONWARNINGS: 'ignore' };
  const build = path.join(ROOT, 'build');
  fs.mkdirSync(build, { recursive: true });
  const notebooks = fs.readdirSync(path.join(ROOT, 'notebooks'))
    .filter((f) => f.endsWith('.ipynb') && f.includes(args.only)).sort();
  if (notebooks.length === 0) throw new Error(`no notebook in notebooks/ matches "${args.only}"`);
  const outcomes: Outcome[] = [];
  for (const file of notebooks) {
    const name = file.replace(/\.ipynb$/, '');
    const input = path.join(ROOT, 'notebooks', file);
    const output = path.join(build, file);
    console.log(`[lectures] running ${file} (budget ${args.timeout} s)`);
    const run = spawnSync(PY, [path.join(ROOT, 'scripts/execute_notebook.py'), input, output, '--kernel', 'tslab',
      '--timeout', args.timeout, '--cwd', path.join(ROOT, 'notebooks')], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    let seconds = NaN;
    try { seconds = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}').seconds; } catch { /* reported below */ }
    const ok = run.status === 0;
    console.log(`[lectures] ${file}: ${ok ? 'ok' : 'FAILED'} in ${seconds.toFixed(1)} s`);
    if (fs.existsSync(output)) {
      const html = spawnSync(PY, ['-m', 'nbconvert', '--to', 'html', '--log-level', 'ERROR', output, '--output-dir', build], { env, encoding: 'utf8' });
      if (html.status !== 0) console.error(`[lectures] HTML export of ${file} failed:\n${html.stderr}`);
    }
    outcomes.push({ name, title: title(input), seconds, ok });
  }
  writeIndex(build, outcomes);
  const failed = outcomes.filter((o) => !o.ok);
  console.log(`[lectures] ${outcomes.length - failed.length} passed, ${failed.length} failed; total ${outcomes.reduce((s, o) => s + o.seconds, 0).toFixed(0)} s; see build/index.html`);
  if (failed.length > 0) process.exit(1);
}

function writeIndex(build: string, outcomes: Outcome[]): void {
  // keep entries of notebooks not run this time (--only)
  const file = path.join(build, 'index.json');
  const previous: Outcome[] = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : [];
  const all = new Map(previous.map((o) => [o.name, o]));
  outcomes.forEach((o) => all.set(o.name, o));
  const rows = [...all.values()].filter((o) => fs.existsSync(path.join(ROOT, 'notebooks', `${o.name}.ipynb`)))
    .sort((a, b) => a.name.localeCompare(b.name));
  fs.writeFileSync(file, JSON.stringify(rows, null, 1));
  const body = rows.map((o) => `<tr><td><a href="${o.name}.html">${escapeHtml(o.title)}</a></td><td>${o.ok ? 'ok' : '<b>failed</b>'}</td>` +
    `<td style="text-align:right">${o.seconds.toFixed(1)} s</td><td><a href="${o.name}.ipynb">notebook</a></td></tr>`).join('\n');
  fs.writeFileSync(path.join(build, 'index.html'), `<!doctype html><html><head><meta charset="utf-8"><title>Lectures</title>
<style>body{font-family:sans-serif;max-width:50em;margin:2em auto}td,th{padding:.3em .8em;border-bottom:1px solid #ddd}</style></head>
<body><h1>Variational inference and generative models: lectures</h1>
<p>Each notebook executed headless through the tslab kernel on ${new Date().toISOString().slice(0, 10)}.</p>
<table><tr><th>Lecture</th><th>Status</th><th>Run time</th><th>Executed notebook</th></tr>
${body}
</table></body></html>
`);
}

main();
