import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { encodePng, heatmap, imageGridPng, labelledHeatmap, lineChart, renderSvg, scatter, show, showPlotly, svgToPng } from '../../lib/plot';

function decodePngGray(png: Buffer): { width: number; height: number; pixels: Uint8Array } {
  expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const idatLen = png.readUInt32BE(33);
  expect(png.toString('ascii', 37, 41)).toBe('IDAT');
  const raw = zlib.inflateSync(png.subarray(41, 41 + idatLen));
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) pixels.set(raw.subarray(y * (width + 1) + 1, (y + 1) * (width + 1)), y * width);
  return { width, height, pixels };
}

describe('PNG encoding and image grids', () => {
  it('encodes pixels that decode back exactly', () => {
    const pixels = new Uint8Array([0, 50, 100, 150, 200, 255]);
    const d = decodePngGray(encodePng(pixels, 3, 2));
    expect([d.width, d.height]).toEqual([3, 2]);
    expect(Array.from(d.pixels)).toEqual(Array.from(pixels));
    expect(() => encodePng(pixels, 4, 2)).toThrow(/6 bytes for a 4x2x1 image/);
  });

  it('tiles images with ink dark on a light background', () => {
    const img = new Float32Array(2 * 4).fill(0);
    img[0] = 1; // top-left pixel of the first image is ink
    const d = decodePngGray(imageGridPng(img, { rows: 2, cols: 2, columns: 2, scale: 1 }));
    expect([d.width, d.height]).toEqual([2 * (2 + 2) + 2, 2 + 2 + 2]);
    expect(d.pixels[2 * d.width + 2]).toBe(0);
    expect(d.pixels[2 * d.width + 3]).toBe(255);
    expect(() => imageGridPng(new Float32Array(5), { rows: 2, cols: 2 })).toThrow(/not a positive multiple of 2x2/);
  });
});

describe('vega-lite figures', () => {
  it('render to SVG with one mark per data point, and to PNG', async () => {
    const rows = [{ x: 1, y: 2, s: 'a' }, { x: 2, y: 1, s: 'b' }, { x: 3, y: 4, s: 'a' }];
    const svg = await renderSvg(scatter(rows, { x: 'x', y: 'y', label: 's', title: 'three points' }));
    expect(svg.startsWith('<svg')).toBe(true);
    expect((svg.match(/aria-roledescription="circle"/g) ?? []).length).toBe(3);
    expect(svg).toContain('three points');
    const line = await renderSvg(lineChart(rows, { x: 'x', y: 'y', series: 's', lo: 'y', hi: 'y' }));
    expect(line).toContain('line mark');
    const heat = await renderSvg(heatmap([[0, 1], [2, 3]], [0, 1], [0, 1], { value: 'v' }));
    expect((heat.match(/aria-roledescription="rect mark"/g) ?? []).length).toBe(4);
    const png = svgToPng(svg, 1);
    expect(png.readUInt32BE(16)).toBeGreaterThan(100);
  });

  it('a labelled heatmap keeps repeated labels apart, in order, and shows them bare', async () => {
    const svg = await renderSvg(labelledHeatmap([[0.9, 0.1, 0], [0.2, 0.3, 0.5]], ['the', 'bark'], ['the', 'loud', 'the'], { value: 'weight' }));
    expect((svg.match(/aria-roledescription="rect mark"/g) ?? []).length).toBe(6);
    const ticks = [...svg.matchAll(/<text[^>]*>(the|loud|bark)<\/text>/g)].map((m) => m[1]);
    expect(ticks).toEqual(['the', 'loud', 'the', 'the', 'bark']);
  });

  it('line charts draw a second field as solid and dashed lines of the same colour', async () => {
    const rows = [{ x: 1, y: 2, s: 'a', d: 'curve' }, { x: 2, y: 3, s: 'a', d: 'curve' }, { x: 1, y: 1, s: 'a', d: 'floor' }, { x: 2, y: 1, s: 'a', d: 'floor' }];
    const svg = await renderSvg(lineChart(rows, { x: 'x', y: 'y', series: 's', dash: 'd' }));
    const lines = [...svg.matchAll(/aria-label="[^"]*d: (\w+)"[^>]*line mark[^>]*stroke="(#[0-9a-f]+)"[^>]*stroke-dasharray="([\d,]+)"/g)];
    expect(lines.map((m) => m[1])).toEqual(['curve', 'floor']);
    expect(lines[0][2]).toBe(lines[1][2]); // one colour
    expect(lines[0][3]).not.toBe(lines[1][3]); // two dash patterns
  });

  it('line charts can reverse x and fix the y range, clipping what falls outside', async () => {
    const rows = [{ x: 1, y: 0.1 }, { x: 10, y: 5 }, { x: 100, y: 0.3 }];
    const spec = lineChart(rows, { x: 'x', y: 'y', logX: true, reverseX: true, yDomain: [0.05, 0.5] }) as any;
    const line = spec.layer[0];
    expect(line.encoding.x.scale).toEqual({ type: 'log', reverse: true });
    expect(line.encoding.y.scale).toMatchObject({ domain: [0.05, 0.5], clamp: true });
    expect(line.mark.clip).toBe(true);
    const svg = await renderSvg(spec);
    // the x axis runs from 100 on the left to 1 on the right
    const xOf = (label: string) => Number(new RegExp(`translate\\(([\\d.]+),15\\)"[^>]*>${label}</text>`).exec(svg)![1]);
    expect(xOf('100')).toBeLessThan(xOf('10'));
    expect(xOf('10')).toBeLessThan(xOf('1'));
  });

  it('outside a notebook, show writes SVG and PNG files', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plots-'));
    await show(lineChart([{ x: 0, y: 0 }, { x: 1, y: 1 }], { x: 'x', y: 'y' }), { dir, name: 'fig' });
    expect(fs.readFileSync(path.join(dir, 'fig.svg'), 'utf8')).toMatch(/^<svg/);
    expect(fs.statSync(path.join(dir, 'fig.png')).size).toBeGreaterThan(1000);
  });

  it('outside a notebook, showPlotly writes the plotly JSON beside the static fallback', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plots-'));
    const figure = { data: [{ type: 'surface', z: [[1, 2], [3, 4]] }], layout: { title: 'surface' } };
    await showPlotly(figure, heatmap([[1, 2], [3, 4]], [0, 1], [0, 1], { value: 'z' }), { dir, name: 'surf' });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'surf.plotly.json'), 'utf8'))).toEqual(figure);
    expect(fs.readFileSync(path.join(dir, 'surf.svg'), 'utf8')).toMatch(/^<svg/);
  });
});

describe('markdownTable and figure names', () => {
  it('escapes a | inside a cell, so that p(z|x) stays in one column', async () => {
    const { markdownTable } = await import('../../lib/plot');
    const table = markdownTable(['q', 'KL(q ‖ p(z|x))'], [['q1', 0.5]]);
    expect(table.split('\n')[0]).toBe('| q | KL(q ‖ p(z\\|x)) |');
    expect(table.split('\n')[2]).toBe('| q1 | 0.5000 |');
    expect(markdownTable(['v'], [[3.2e-6], [-0.00004], [0.00012], [7], [NaN]]).split('\n').slice(2)).toEqual(
      ['| 3.20e-6 |', '| -4.00e-5 |', '| 0.0001 |', '| 7 |', '| NaN |']);
  });

  it('fixed rounds without the sign of a value that rounds to zero', async () => {
    const { fixed } = await import('../../lib/plot');
    expect([-0.004, -0.005, 0.004, -1.234, -0, 0].map((x) => fixed(x, 2))).toEqual(['0.00', '-0.01', '0.00', '-1.23', '0.00', '0.00']);
    expect([fixed(-0.4, 0), fixed(-0.6, 0), fixed(-0.00001, 4)]).toEqual(['0', '-1', '0.0000']);
  });

  it('writes the name into the SVG for the book and rejects names that are not file names', async () => {
    const { nameSvg } = await import('../../lib/plot');
    expect(nameSvg('<svg width="2"><g/></svg>', 'elbo-gap')).toBe('<svg width="2"><!-- figure: elbo-gap --><g/></svg>');
    expect(nameSvg('<svg></svg>', undefined)).toBe('<svg></svg>');
    expect(() => nameSvg('<svg></svg>', '../x y')).toThrow(/figure name/);
  });
});

describe('sourceOf', () => {
  it('cuts out a method with its doc comment, braces matched, indentation removed', async () => {
    const { sourceOf } = await import('../../lib/plot/show-source');
    const src = sourceOf('vae/vae.ts', 'elboParts', path.resolve('lib'));
    expect(src.split('\n').find((l) => l.includes('elboParts('))).toMatch(/^elboParts\(x: tf.Tensor2D/);
    expect(src.trimEnd().endsWith('}')).toBe(true);
    const opens = (src.match(/{/g) ?? []).length, closes = (src.match(/}/g) ?? []).length;
    expect(opens).toBe(closes);
  });

  it('finds exported functions and names a missing file or name with the fix', async () => {
    const { sourceOf } = await import('../../lib/plot/show-source');
    expect(sourceOf('flows/image-flow.ts', 'bitsPerDim', path.resolve('lib'))).toMatch(/^(\/\*\*|\/\/)[\s\S]*export function bitsPerDim/);
    expect(() => sourceOf('vae/nope.ts', 'x', path.resolve('lib'))).toThrow(/lib\/vae\/nope.ts does not exist/);
    expect(() => sourceOf('vae/vae.ts', 'noSuchThing', path.resolve('lib'))).toThrow(/declares no function, method or class named noSuchThing/);
  });
});
