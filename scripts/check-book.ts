// Opens every page of the built book from disk in headless Chromium (Debian's /usr/bin/chromium) and
// checks what a reader sees: every figure has non-blank pixels, every plotly figure was drawn, no
// formula is left as raw TeX or a KaTeX error, and the page asks for nothing over the network.
// Usage: node dist/scripts/check-book.js [DIR]   (default build/); exits 1 on any problem.
import * as fs from 'fs';
import * as path from 'path';
import { chromium } from 'playwright-core';

export interface PageCheck {
  page: string;
  figures: number;
  blank: string[];
  plotly: { total: number; drawn: number };
  rawTex: string[];
  katexErrors: number;
  requests: string[];
}

export const CHROMIUM = process.env.VI_CHROMIUM ?? '/usr/bin/chromium';
// without the background-networking flags Chromium tries Google's hosts at every start
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // lets the check read the pixels of images the page loads from disk (a page's own origin on a server)
  '--allow-file-access-from-files',
];

/**
 * Runs in the page: every figure inside `scope` (an image, or an SVG element drawn inline) drawn on
 * a canvas, and the share of its pixels that differ from its most common colour; below 0.2% it is
 * blank. Self-contained, since Playwright sends its source to the page.
 */
export async function figurePixels(scope: string): Promise<{ figures: number; blank: string[] }> {
  const root = document.querySelector(scope) ?? document.body;
  const inline = Array.from(root.querySelectorAll('svg')).filter(
    // not nested, not a formula's glyph or a plotly figure's layer, and not the svg in which
    // plotly measures text (parked off-screen)
    (s) => !s.parentElement?.closest('svg, .katex, .vi-plotly') && s.id !== 'js-plotly-tester',
  );
  const asImages = await Promise.all(
    inline.map(
      (s) =>
        new Promise<HTMLImageElement>((resolve) => {
          const img = new Image();
          img.alt = `inline svg ${s.getAttribute('width') ?? ''}x${s.getAttribute('height') ?? ''}`;
          img.onload = img.onerror = () => resolve(img);
          const xml = new XMLSerializer().serializeToString(s);
          img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(xml)}`;
        }),
    ),
  );
  const shown = Array.from(root.querySelectorAll('img'));
  await Promise.all(
    shown.map((img) => (img.complete ? null : new Promise((r) => (img.onload = img.onerror = r)))),
  );
  const images = [...shown, ...asImages];
  const blank: string[] = [];
  for (const img of images) {
    const w = img.naturalWidth,
      h = img.naturalHeight;
    if (!img.complete || w === 0 || h === 0) {
      blank.push(`${img.alt} (not loaded)`);
      continue;
    }
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const g = canvas.getContext('2d')!;
    g.fillStyle = '#fff';
    g.fillRect(0, 0, w, h);
    g.drawImage(img, 0, 0);
    const px = g.getImageData(0, 0, w, h).data;
    const counts = new Map<number, number>();
    for (let i = 0; i < px.length; i += 4) {
      const c = (px[i] << 16) | (px[i + 1] << 8) | px[i + 2];
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    const top = Math.max(...Array.from(counts.values()));
    if ((w * h - top) / (w * h) < 0.002) blank.push(img.alt || img.src.slice(0, 40));
  }
  return { figures: images.length, blank };
}

/** Runs in the page: plotly figures drawn, raw TeX left in the text, KaTeX errors. */
function inspectPage(): Omit<PageCheck, 'page' | 'requests' | 'figures' | 'blank'> {
  const plots = Array.from(document.querySelectorAll('.vi-plotly'));
  // raw TeX: text outside code, formulas and scripts that still looks like TeX
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const rawTex: string[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest('pre, code, script, style, .katex')) continue;
    const t = n.textContent ?? '';
    const m =
      /\$\$|\$[^$\s][^$]*\$|\\(frac|mathbb|mathrm|mathcal|sum|int|log|left|right|begin)\b/.exec(t);
    if (m) rawTex.push(t.slice(Math.max(0, m.index - 20), m.index + 40));
  }
  return {
    plotly: {
      total: plots.length,
      drawn: plots.filter((p) => p.getAttribute('data-drawn') === 'true').length,
    },
    rawTex,
    katexErrors: document.querySelectorAll('.katex-error').length,
  };
}

/** Checks every .html page in dir. */
export async function checkBook(dir: string): Promise<PageCheck[]> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}; install Debian's chromium (apt-get install chromium) or set VI_CHROMIUM`,
    );
  }
  const pages = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.html'))
    .sort();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const results: PageCheck[] = [];
  try {
    for (const file of pages) {
      const page = await browser.newPage();
      const requests: string[] = [];
      // anything but the book's own files is a request a reader offline (or on another machine) cannot serve
      const own = `file://${path.resolve(dir)}/`;
      page.on('request', (r) => {
        if (!/^(data|blob|about):/.test(r.url()) && !r.url().startsWith(own))
          requests.push(r.url());
      });
      await page.goto(`file://${path.resolve(dir, file)}`, { waitUntil: 'load' });
      // plotly draws asynchronously after load
      await page
        .waitForFunction(
          () =>
            Array.from(document.querySelectorAll('.vi-plotly')).every(
              (p) => p.getAttribute('data-drawn') === 'true',
            ),
          undefined,
          { timeout: 15_000 },
        )
        .catch(() => undefined);
      results.push({
        page: file,
        requests,
        ...(await page.evaluate(figurePixels, 'body')),
        ...(await page.evaluate(inspectPage)),
      });
      await page.close();
    }
  } finally {
    await browser.close();
  }
  return results;
}

/** The problems of one page's check, as sentences; empty when the page is fine. */
export function problems(c: PageCheck): string[] {
  const out: string[] = [];
  if (c.blank.length)
    out.push(`${c.blank.length} of ${c.figures} figures blank: ${c.blank.slice(0, 3).join(', ')}`);
  if (c.plotly.drawn < c.plotly.total)
    out.push(`${c.plotly.total - c.plotly.drawn} plotly figures not drawn`);
  if (c.rawTex.length)
    out.push(
      `raw TeX left: ${c.rawTex
        .slice(0, 3)
        .map((t) => JSON.stringify(t))
        .join(', ')}`,
    );
  if (c.katexErrors) out.push(`${c.katexErrors} formulas KaTeX could not typeset`);
  if (c.requests.length) out.push(`network requests: ${c.requests.slice(0, 3).join(', ')}`);
  return out;
}

async function main(): Promise<void> {
  const dir = path.resolve(process.argv[2] ?? 'build');
  const results = await checkBook(dir);
  let bad = 0;
  for (const c of results) {
    const p = problems(c);
    if (p.length) bad++;
    console.log(
      `${c.page}: ${c.figures} figures, ${c.plotly.total} plotly${p.length ? `; ${p.join('; ')}` : '; ok'}`,
    );
  }
  console.log(`[check-book] ${results.length - bad} pages ok, ${bad} with problems`);
  if (bad > 0) process.exit(1);
}

if (require.main === module)
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
