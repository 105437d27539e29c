// The book's pieces: markdown with TeX, and the browser check that must catch what a reader would
// see as broken (a figure stripped to an empty box, a formula left as TeX, a request to the network).
import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { markdownToHtml } from '../../scripts/book-markdown';
import { checkBook, problems } from '../../scripts/check-book';
import { renderSvg } from '../../lib/plot/show';
import { lineChart } from '../../lib/plot/specs';

describe('markdownToHtml', () => {
  it('typesets inline and display formulas with KaTeX, leaving no TeX source in the text', () => {
    const html = markdownToHtml(
      'The bound $\\log p(x) \\ge \\mathrm{ELBO}$ holds:\n\n$$\n\\frac{a_1}{b_2}\n$$\n',
    );
    expect(html).toContain('class="katex"');
    expect(html).toContain('class="katex-display"');
    expect(html.replace(/<annotation[\s\S]*?<\/annotation>/g, '')).not.toMatch(/\\frac|\\log|\$/);
  });

  it('leaves code spans and fenced blocks alone, and keeps tables with escaped pipes', () => {
    const html = markdownToHtml(
      'Use `${x}` and `a_b`.\n\n| q | KL(q ‖ p(z\\|x)) |\n|---|---|\n| 1 | 2 |\n',
    );
    expect(html).toContain('<code>${x}</code>');
    expect(html).toContain('<code>a_b</code>');
    expect(html).toMatch(/<th>KL\(q ‖ p\(z\|x\)\)<\/th>/);
  });

  it('marks a formula KaTeX cannot parse as an error rather than throwing', () => {
    expect(markdownToHtml('$\\notacommand{x}$')).toContain('katex-error');
  });
});

describe('checkBook in headless Chromium', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'book-check-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('passes a page with a drawn figure and typeset math, and fails blank figures, raw TeX and network loads', async () => {
    const svg = await renderSvg(
      lineChart(
        [
          { x: 0, y: 0 },
          { x: 1, y: 1 },
        ],
        { x: 'x', y: 'y' },
      ),
    );
    const img = (s: string) =>
      `<img alt="f" src="data:image/svg+xml;base64,${Buffer.from(s).toString('base64')}">`;
    fs.writeFileSync(
      path.join(dir, 'good.html'),
      `<html><body>${img(svg)}${markdownToHtml('$x^2$')}</body></html>`,
    );
    // what Debian's nbconvert leaves of a vega figure: the svg element with its text stripped of shapes
    fs.writeFileSync(
      path.join(dir, 'bad.html'),
      `<html><head><script src="https://cdn.example.invalid/mathjax.js"></script></head>
<body>${img('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"></svg>')}
<svg xmlns="http://www.w3.org/2000/svg" width="300" height="120">a title left as bare text</svg><p>$$\\frac{1}{2}$$</p></body></html>`,
    );
    const checks = await checkBook(dir);
    const good = checks.find((c) => c.page === 'good.html')!;
    const bad = checks.find((c) => c.page === 'bad.html')!;
    expect(problems(good)).toEqual([]);
    expect(good.figures).toBe(1);
    const found = problems(bad).join('\n');
    expect(found).toMatch(/2 of 2 figures blank/);
    expect(found).toMatch(/raw TeX/);
    expect(found).toMatch(/network requests: https:\/\/cdn\.example\.invalid/);
  }, 60_000);
});
