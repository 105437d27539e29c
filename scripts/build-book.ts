// Builds the book: a static site in build/ from the executed notebooks (build/NN-*.ipynb) that works
// from disk or any web server, offline. Formulas are typeset here with KaTeX (its stylesheet and
// fonts copied to build/assets/katex), figures are embedded as data URLs and also written to
// build/figures/NN-name.svg|.png for teachers, plotly figures are drawn by plotly.js copied to
// build/assets, and build/index.html is the syllabus with each lecture's headline figure and claims.
import * as fs from 'fs';
import * as path from 'path';
import { svgToPng } from '../lib/plot/show';
import { markdownToHtml } from './book-markdown';
import { SYLLABUS, type SyllabusEntry } from './syllabus';

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}
interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
}
interface Figure {
  file: string;
  dataUrl: string;
}
export interface Page {
  name: string;
  /** the figure that stands for the lecture (its syllabus headline, else its first figure) */
  headline?: string;
  title: string;
  html: string;
  figures: string[];
  claims: string[];
  seconds?: number;
}

const joined = (s: string | string[] | undefined) => (Array.isArray(s) ? s.join('') : (s ?? ''));
const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
// terminal colour codes that tslab puts in error tracebacks
const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

/** Writes a figure under build/figures and returns its data URL for embedding. */
function saveFigure(build: string, stem: string, mime: string, body: string): Figure {
  const dir = path.join(build, 'figures');
  fs.mkdirSync(dir, { recursive: true });
  if (mime === 'image/svg+xml') {
    fs.writeFileSync(path.join(dir, `${stem}.svg`), body);
    fs.writeFileSync(path.join(dir, `${stem}.png`), svgToPng(body));
    return {
      file: `figures/${stem}.svg`,
      dataUrl: `data:image/svg+xml;base64,${Buffer.from(body).toString('base64')}`,
    };
  }
  fs.writeFileSync(path.join(dir, `${stem}.png`), Buffer.from(body, 'base64'));
  return {
    file: `figures/${stem}.png`,
    dataUrl: `data:image/png;base64,${body.replace(/\s/g, '')}`,
  };
}

/** The name lib/plot/show.ts writes into an SVG (`<!-- figure: name -->`), if any. */
function figureName(svg: string): string | undefined {
  return /<!-- figure: ([\w.-]+) -->/.exec(svg)?.[1];
}

function renderOutputs(
  outputs: Output[],
  ctx: { build: string; name: string; figures: string[]; used: Set<string> },
): string {
  const number = ctx.name.slice(0, ctx.name.indexOf('-'));
  const stemFor = (wanted: string | undefined) => {
    let stem = `${number}-${wanted ?? `figure-${ctx.figures.length + 1}`}`;
    for (let k = 2; ctx.used.has(stem); k++) stem = `${number}-${wanted ?? 'figure'}-${k}`;
    ctx.used.add(stem);
    return stem;
  };
  const parts: string[] = [];
  let plotlyWaiting = false;
  for (const out of outputs) {
    if (out.output_type === 'stream') {
      parts.push(
        `<pre class="out ${out.name === 'stderr' ? 'stderr' : ''}">${escapeHtml(stripAnsi(joined(out.text)))}</pre>`,
      );
      continue;
    }
    if (out.output_type === 'error') {
      parts.push(`<pre class="out stderr">${escapeHtml(`${out.ename}: ${out.evalue}`)}</pre>`);
      continue;
    }
    const data = out.data ?? {};
    if (data['application/vnd.plotly.v1+json']) {
      const id = `plotly-${ctx.figures.length + 1}`;
      const json = JSON.stringify(data['application/vnd.plotly.v1+json']).replace(/</g, '\\u003c');
      parts.push(
        `<div class="vi-plotly" id="${id}"></div><script>drawPlotly(${JSON.stringify(id)}, ${json});</script>`,
      );
      plotlyWaiting = true;
    } else if (data['image/svg+xml'] || data['image/png']) {
      const mime = data['image/svg+xml'] ? 'image/svg+xml' : 'image/png';
      const body = joined(data[mime] as string | string[]);
      const fig = saveFigure(
        ctx.build,
        stemFor(mime === 'image/svg+xml' ? figureName(body) : undefined),
        mime,
        body,
      );
      ctx.figures.push(fig.file);
      // a static image right after a plotly figure is its fallback, hidden once plotly has drawn
      const cls = plotlyWaiting ? 'figure fallback' : 'figure';
      parts.push(
        `<p class="${cls}"><a href="${fig.file}"><img src="${fig.dataUrl}" alt="figure ${fig.file}"></a></p>`,
      );
      plotlyWaiting = false;
    } else if (data['text/markdown']) {
      parts.push(
        `<div class="out md">${markdownToHtml(joined(data['text/markdown'] as string[]))}</div>`,
      );
    } else if (data['text/html']) {
      parts.push(`<div class="out">${joined(data['text/html'] as string[])}</div>`);
    } else if (data['text/plain']) {
      parts.push(`<pre class="out">${escapeHtml(joined(data['text/plain'] as string[]))}</pre>`);
    }
  }
  return parts.join('\n');
}

/** One lecture's page body, its figures and its printed claims. */
export function renderNotebook(build: string, name: string): Page {
  const nb = JSON.parse(fs.readFileSync(path.join(build, `${name}.ipynb`), 'utf8')) as {
    cells: Cell[];
    metadata: Record<string, any>;
  };
  const ctx = { build, name, figures: [] as string[], used: new Set<string>() };
  const claims: string[] = [];
  const body = nb.cells
    .map((cell) => {
      const source = joined(cell.source);
      if (cell.cell_type === 'markdown')
        return `<section class="md">${markdownToHtml(source)}</section>`;
      if (cell.cell_type !== 'code') return '';
      for (const out of cell.outputs ?? []) {
        if (out.output_type === 'stream')
          claims.push(
            ...joined(out.text)
              .split('\n')
              .filter((l) => l.startsWith('✓')),
          );
      }
      return `<section class="code"><pre class="src"><code>${escapeHtml(source)}</code></pre>\n${renderOutputs(cell.outputs ?? [], ctx)}</section>`;
    })
    .join('\n');
  const first = nb.cells.find((c) => c.cell_type === 'markdown');
  const title = (/^#\s+(.+)$/m.exec(joined(first?.source))?.[1] ?? name).trim();
  return {
    name,
    title,
    html: body,
    figures: ctx.figures,
    claims,
    seconds: nb.metadata?.vi_lectures?.seconds,
  };
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:58em;margin:0 auto;padding:1em 1.5em;line-height:1.5;color:#222}
nav{display:flex;justify-content:space-between;gap:1em;border-bottom:1px solid #ddd;padding:.5em 0;font-size:95%}
nav.bottom{border-top:1px solid #ddd;border-bottom:none;margin-top:2em}
pre{overflow-x:auto;padding:.5em .8em;font-size:85%;line-height:1.35}
pre.src{background:#f5f7fa;border-left:3px solid #8aa4c8}
pre.out{background:#fff;border-left:3px solid #ddd;margin-top:0}
pre.stderr{border-left-color:#c66;color:#822}
section.code{margin:1em 0}
.figure img{max-width:100%;height:auto}
table{border-collapse:collapse;margin:.5em 0}td,th{border-bottom:1px solid #ddd;padding:.25em .6em;text-align:left}
.katex-display{overflow-x:auto;overflow-y:hidden}
.syllabus{width:100%;table-layout:fixed}.syllabus td{vertical-align:top}.syllabus img{max-width:100%;max-height:180px}
.syllabus td:first-child{width:4.5em}.syllabus td:nth-child(3){width:260px}.syllabus td:last-child{width:6em}
.vi-plotly{width:100%;height:480px}
.soon{color:#777}`;

// plotly is loaded only by pages that have a plotly figure; a failed draw leaves the static figure
const PLOTLY_LOADER = `<script src="assets/plotly.min.js"></script><script>
function drawPlotly(id, fig) {
  try {
    Plotly.newPlot(id, fig.data, fig.layout || {}, {displaylogo: false, responsive: true}).then(function () {
      var el = document.getElementById(id), next = el.parentElement.querySelector('#' + id + ' ~ .fallback');
      if (next) next.style.display = 'none';
      el.setAttribute('data-drawn', 'true');
    });
  } catch (e) { document.getElementById(id).remove(); }
}</script>`;

function page(title: string, body: string, nav: string, plotly: boolean): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="assets/katex/katex.min.css"><style>${STYLE}</style>${plotly ? PLOTLY_LOADER : ''}</head>
<body>${nav}\n${body}\n${nav.replace('<nav>', '<nav class="bottom">')}</body></html>
`;
}

function copyAssets(root: string, build: string): void {
  const katex = path.join(root, 'node_modules/katex/dist');
  const target = path.join(build, 'assets/katex');
  fs.mkdirSync(path.join(target, 'fonts'), { recursive: true });
  fs.copyFileSync(path.join(katex, 'katex.min.css'), path.join(target, 'katex.min.css'));
  for (const f of fs.readdirSync(path.join(katex, 'fonts')).filter((f) => f.endsWith('.woff2'))) {
    fs.copyFileSync(path.join(katex, 'fonts', f), path.join(target, 'fonts', f));
  }
  fs.copyFileSync(
    path.join(root, 'node_modules/plotly.js-dist/plotly.js'),
    path.join(build, 'assets/plotly.min.js'),
  );
}

function syllabusRow(entry: SyllabusEntry, p: Page | undefined): string {
  if (!p)
    return `<tr class="soon"><td>${entry.number}</td><td>${escapeHtml(entry.title)}<br><i>to come</i></td><td></td><td></td></tr>`;
  const headline = p.headline ? `<img src="${p.headline.replace(/\.svg$/, '.png')}" alt="">` : '';
  const claims = p.claims
    .slice(0, 3)
    .map((c) => `<li>${escapeHtml(c.slice(1).trim())}</li>`)
    .join('');
  const time =
    p.seconds === undefined ? '' : `<br><small>runs in ${Math.round(p.seconds)} s</small>`;
  return (
    `<tr><td>${entry.number}</td><td><a href="${p.name}.html">${escapeHtml(p.title)}</a>${time}<ul>${claims}</ul></td>` +
    `<td>${headline}</td><td><a href="${p.name}.ipynb">notebook</a></td></tr>`
  );
}

/** Writes build/NAME.html for every executed notebook, build/figures and build/index.html. */
export function buildBook(root: string, build: string): Page[] {
  copyAssets(root, build);
  fs.rmSync(path.join(build, 'figures'), { recursive: true, force: true });
  const names = fs
    .readdirSync(path.join(root, 'notebooks'))
    .filter((f) => f.endsWith('.ipynb'))
    .map((f) => f.replace(/\.ipynb$/, ''))
    .filter((n) => fs.existsSync(path.join(build, `${n}.ipynb`)))
    .sort();
  const pages = names.map((n) => renderNotebook(build, n));
  for (const p of pages) {
    const wanted = SYLLABUS.find((e) => e.notebook === p.name)?.headline;
    const number = p.name.slice(0, p.name.indexOf('-'));
    p.headline =
      p.figures.find((f) => wanted && f.startsWith(`figures/${number}-${wanted}.`)) ?? p.figures[0];
  }
  pages.forEach((p, i) => {
    const prev = pages[i - 1]
      ? `<a href="${pages[i - 1].name}.html">← ${escapeHtml(pages[i - 1].title)}</a>`
      : '<span></span>';
    const next = pages[i + 1]
      ? `<a href="${pages[i + 1].name}.html">${escapeHtml(pages[i + 1].title)} →</a>`
      : '<span></span>';
    const nav = `<nav>${prev}<a href="index.html">Syllabus</a>${next}</nav>`;
    fs.writeFileSync(
      path.join(build, `${p.name}.html`),
      page(p.title, p.html, nav, p.html.includes('class="vi-plotly"')),
    );
  });
  const byName = new Map(pages.map((p) => [p.name, p]));
  const parts = [...new Set(SYLLABUS.map((e) => e.part))].map((part) => {
    const rows = SYLLABUS.filter((e) => e.part === part).map((e) =>
      syllabusRow(e, e.notebook ? byName.get(e.notebook) : undefined),
    );
    return `<h2>${escapeHtml(part)}</h2><table class="syllabus">${rows.join('\n')}</table>`;
  });
  const body = `<h1>Variational inference, generative models and machine learning for physics</h1>
<p>Lectures as TypeScript notebooks, each executed top to bottom through the tslab kernel on
${new Date().toISOString().slice(0, 10)}. Every line that starts with ✓ is a claim the notebook computed and checked.
Figures are also in <a href="figures/">figures/</a> as SVG and PNG.</p>
${parts.join('\n')}`;
  fs.writeFileSync(
    path.join(build, 'index.html'),
    page('Lectures', body, '<nav><span></span></nav>', false),
  );
  // what the index shows, for scripts/copy-figures.ts and readers of the build
  fs.writeFileSync(
    path.join(build, 'book.json'),
    JSON.stringify(
      pages.map(({ html, ...p }) => (void html, p)),
      null,
      1,
    ),
  );
  console.log(
    `[book] ${pages.length} lectures, ${pages.reduce((s, p) => s + p.figures.length, 0)} figures: build/index.html`,
  );
  return pages;
}

if (require.main === module)
  buildBook(path.resolve(__dirname, '..', '..'), path.resolve(__dirname, '..', '..', 'build'));
