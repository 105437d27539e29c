// Shows figures: inside tslab as a static SVG (plus the interactive vega-lite output on request),
// so that they appear in JupyterLab, classic Notebook, nbconvert HTML and on GitHub alike;
// outside a notebook they are written to files.
import * as fs from 'fs';
import * as path from 'path';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import { ParameterError, ShapeError } from '../core/errors';
import { tslabDisplay } from '../core/notebook';
import { encodePng } from './png';
import type { VegaLiteSpec } from './specs';

export interface ShowOptions {
  /** File name (without extension) when writing outside a notebook. */
  name?: string;
  /** Also send the vega-lite MIME output (interactive in JupyterLab). */
  interactive?: boolean;
  /** Folder for files outside a notebook (default VI_PLOT_DIR or ./plots). */
  dir?: string;
}

/** Renders a vega-lite spec to an SVG string in Node. */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const compiled = vl.compile(spec as unknown as vl.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterises an SVG to PNG with resvg (system fonts), for slides and files. */
export function svgToPng(svg: string, scale = 2): Buffer {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { Resvg } = require('@resvg/resvg-js');
  const r = new Resvg(svg, { fitTo: { mode: 'zoom', value: scale }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } });
  return r.render().asPng();
}

/** Writes the figure's name into the SVG as a comment, so that the book can file it by name. */
export function nameSvg(svg: string, name: string | undefined): string {
  if (name === undefined) return svg;
  if (!/^[\w.-]+$/.test(name)) {
    throw new ParameterError(`figure name "${name}" has characters other than letters, digits, . _ -`, 'name figures like "elbo-gap"');
  }
  return svg.replace(/<svg\b[^>]*>/, (open) => `${open}<!-- figure: ${name} -->`);
}

let fileCounter = 0;
function outFile(o: ShowOptions, ext: string): string {
  const dir = o.dir ?? process.env.VI_PLOT_DIR ?? 'plots';
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, `${o.name ?? `figure-${++fileCounter}`}.${ext}`);
}

/** Displays a vega-lite figure (notebook) or writes NAME.svg and NAME.png (terminal). */
export async function show(spec: VegaLiteSpec, o: ShowOptions = {}): Promise<void> {
  const svg = nameSvg(await renderSvg(spec), o.name);
  const tslab = tslabDisplay();
  if (tslab) {
    // tslab's signature says string, but Jupyter needs the spec object under this MIME type
    if (o.interactive) tslab.display.raw('application/vnd.vegalite.v5+json', spec as unknown as string);
    tslab.display.svg(svg);
  } else {
    const file = outFile(o, 'svg');
    fs.writeFileSync(file, svg);
    fs.writeFileSync(file.replace(/\.svg$/, '.png'), svgToPng(svg));
    console.log(`figure written to ${file} (and .png)`);
  }
}

export interface ImageGridOptions extends ShowOptions {
  /** Height and width of one image in pixels. */
  rows: number;
  cols: number;
  /** Images per row of the grid. */
  columns?: number;
  /** Integer upscaling factor. */
  scale?: number;
}

/** Tiles images (values in [0, 1], [n * rows * cols]) into one grayscale PNG, separated by gaps. */
export function imageGridPng(images: ArrayLike<number>, o: ImageGridOptions): Buffer {
  const d = o.rows * o.cols;
  if (images.length % d !== 0 || images.length === 0) {
    throw new ShapeError(`image grid got ${images.length} values, not a positive multiple of ${o.rows}x${o.cols}`, 'pass n whole images, flattened row-major');
  }
  const n = images.length / d;
  const columns = Math.min(o.columns ?? 10, n);
  const gridRows = Math.ceil(n / columns);
  const s = o.scale ?? 2;
  const gap = 2;
  const width = columns * (o.cols * s + gap) + gap;
  const height = gridRows * (o.rows * s + gap) + gap;
  const pixels = new Uint8Array(width * height).fill(128);
  for (let k = 0; k < n; k++) {
    const top = gap + Math.floor(k / columns) * (o.rows * s + gap);
    const left = gap + (k % columns) * (o.cols * s + gap);
    for (let y = 0; y < o.rows * s; y++) {
      for (let x = 0; x < o.cols * s; x++) {
        const v = images[k * d + Math.floor(y / s) * o.cols + Math.floor(x / s)];
        pixels[(top + y) * width + left + x] = Math.round(255 * (1 - Math.min(1, Math.max(0, v)))); // ink is dark
      }
    }
  }
  return encodePng(pixels, width, height, 1);
}

/** Displays (notebook) or writes (terminal) a grid of images. */
export function showImages(images: ArrayLike<number>, o: ImageGridOptions): void {
  const png = imageGridPng(images, o);
  const tslab = tslabDisplay();
  if (tslab) tslab.display.png(png);
  else {
    const file = outFile(o, 'png');
    fs.writeFileSync(file, png);
    console.log(`figure written to ${file}`);
  }
}

/**
 * A plotly figure (for what vega-lite cannot draw, such as 3-D surfaces): in a notebook its JSON
 * MIME output (JupyterLab renders it) beside the static fallback `fallback` drawn with vega-lite.
 */
export async function showPlotly(figure: { data: unknown[]; layout?: unknown }, fallback: VegaLiteSpec, o: ShowOptions = {}): Promise<void> {
  const tslab = tslabDisplay();
  if (tslab) tslab.display.raw('application/vnd.plotly.v1+json', figure as unknown as string);
  else {
    const file = outFile(o, 'plotly.json');
    fs.writeFileSync(file, JSON.stringify(figure));
  }
  await show(fallback, o);
}

/** Shows markdown computed in code (numbers in prose come from here); prints it outside a notebook. */
export function showMarkdown(text: string): void {
  const tslab = tslabDisplay();
  if (tslab) tslab.display.markdown(text);
  else console.log(text);
}

/** Integers as they are, others to four decimals, or to three significant digits when that would show 0.0000. */
function formatNumber(v: number): string {
  if (Number.isInteger(v) || !Number.isFinite(v)) return String(v);
  return Math.abs(v) < 5e-5 ? v.toExponential(2) : v.toFixed(4);
}

/** x to `digits` decimals, without the sign of a value that rounds to zero ("0.00", never "-0.00"). */
export function fixed(x: number, digits: number): string {
  const s = x.toFixed(digits);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/** Formats rows as a markdown table. */
export function markdownTable(header: string[], rows: (string | number)[][]): string {
  // a | inside a cell (as in p(z|x)) would end the cell: escape it
  const cell = (v: string | number) => (typeof v === 'number' ? formatNumber(v) : v.replace(/\|/g, '\\|'));
  return [`| ${header.map(cell).join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}
