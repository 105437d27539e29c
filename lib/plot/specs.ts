// Builders of vega-lite specs for the figures the lectures draw. Each returns a plain spec object.
export type VegaLiteSpec = Record<string, unknown>;
type Row = Record<string, number | string>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

export interface AxisOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  logX?: boolean;
  logY?: boolean;
  /** Larger x to the left (for example weights remaining, as pruning proceeds). */
  reverseX?: boolean;
  /** Fixed y range; values outside it are clipped. */
  yDomain?: [number, number];
  width?: number;
  height?: number;
}

function axis(field: string, title: string | undefined, log: boolean | undefined, zero = false, reverse = false) {
  const scale = log ? { type: 'log' } : { type: 'linear', zero };
  return { field, type: 'quantitative', title: title ?? field, scale: reverse ? { ...scale, reverse } : scale };
}

function frame(o: AxisOptions): VegaLiteSpec {
  return { $schema: SCHEMA, width: o.width ?? 420, height: o.height ?? 260, ...(o.title ? { title: o.title } : {}) };
}

/**
 * Lines of y against x, one per value of `series` (if given), with an optional band between
 * `lo` and `hi` fields (a standard error or a quantile range).
 */
export function lineChart(rows: Row[], o: AxisOptions & { x: string; y: string; series?: string; dash?: string; lo?: string; hi?: string; points?: boolean; interpolate?: 'linear' | 'step' | 'monotone'; legend?: boolean; order?: string }): VegaLiteSpec {
  // legend: false hides the legend (many unnamed series, such as sample paths); order: connect points in
  // the order of this field instead of along x (a trajectory in a plane); dash: a second nominal field
  // drawn as solid or dashed lines, so that a curve and its reference line can share one colour
  const color = o.series ? { color: { field: o.series, type: 'nominal', title: o.series, legend: o.legend === false ? null : { labelLimit: 400 } } } : {};
  const x = axis(o.x, o.xTitle, o.logX, false, o.reverseX);
  const layers: VegaLiteSpec[] = [];
  if (o.lo && o.hi) {
    layers.push({ mark: { type: 'area', opacity: 0.25 }, encoding: { x, y: axis(o.lo, o.yTitle, o.logY), y2: { field: o.hi }, ...color } });
  }
  const order = o.order ? { order: { field: o.order, type: 'quantitative' } } : {};
  const dash = o.dash ? { strokeDash: { field: o.dash, type: 'nominal', title: o.dash } } : {};
  const plainY = axis(o.y, o.yTitle, o.logY);
  const y = o.yDomain ? { ...plainY, scale: { ...plainY.scale, domain: o.yDomain, clamp: true } } : plainY;
  layers.push({ mark: { type: 'line', point: o.points ?? false, interpolate: o.interpolate ?? 'linear', clip: !!o.yDomain }, encoding: { x, y, ...color, ...dash, ...order } });
  return { ...frame(o), data: { values: rows }, layer: layers };
}

/** Points at (x, y), coloured by the nominal field `label` if given. */
export function scatter(rows: Row[], o: AxisOptions & { x: string; y: string; label?: string; size?: number; opacity?: number }): VegaLiteSpec {
  return {
    ...frame(o), data: { values: rows },
    mark: { type: 'circle', size: o.size ?? 12, opacity: o.opacity ?? 0.7 },
    encoding: {
      x: axis(o.x, o.xTitle, o.logX), y: axis(o.y, o.yTitle, o.logY),
      ...(o.label ? { color: { field: o.label, type: 'nominal', title: o.label } } : {}),
    },
  };
}

/** A heatmap of `values[i][j]` over a grid with cell centres xs[j], ys[i]. */
export function heatmap(values: number[][], xs: number[], ys: number[], o: AxisOptions & { value?: string; scheme?: string }): VegaLiteSpec {
  const rows: Row[] = [];
  const dx = xs.length > 1 ? xs[1] - xs[0] : 1;
  const dy = ys.length > 1 ? ys[1] - ys[0] : 1;
  ys.forEach((y, i) => xs.forEach((x, j) => rows.push({ x0: x - dx / 2, x1: x + dx / 2, y0: y - dy / 2, y1: y + dy / 2, v: values[i][j] })));
  return {
    ...frame({ width: 300, height: 300, ...o }), data: { values: rows }, mark: 'rect',
    encoding: {
      x: { field: 'x0', type: 'quantitative', title: o.xTitle ?? 'x', scale: { zero: false, nice: false } }, x2: { field: 'x1' },
      y: { field: 'y0', type: 'quantitative', title: o.yTitle ?? 'y', scale: { zero: false, nice: false } }, y2: { field: 'y1' },
      color: { field: 'v', type: 'quantitative', title: o.value ?? 'value', scale: { scheme: o.scheme ?? 'viridis' } },
    },
  };
}

/**
 * A matrix of values[i][j] with a labelled row i and column j, in order, such as attention weights
 * (rows: the positions that look; columns: the positions looked at). Labels may repeat.
 */
export function labelledHeatmap(values: number[][], rowLabels: string[], columnLabels: string[], o: AxisOptions & { value?: string; scheme?: string }): VegaLiteSpec {
  // rows and columns are placed by index (labels may repeat) and the axes print the label of each index
  const rows: Row[] = [];
  rowLabels.forEach((r, i) => columnLabels.forEach((c, j) => rows.push({ i, j, from: r, to: c, v: values[i][j] })));
  const labels = (words: string[]) => ({ labelExpr: `${JSON.stringify(words)}[datum.value]` });
  return {
    ...frame({ width: 24 * columnLabels.length, height: 24 * rowLabels.length, ...o }), data: { values: rows }, mark: 'rect',
    encoding: {
      x: { field: 'j', type: 'ordinal', title: o.xTitle ?? null, axis: { ...labels(columnLabels), labelAngle: -45 } },
      y: { field: 'i', type: 'ordinal', title: o.yTitle ?? null, axis: labels(rowLabels) },
      color: { field: 'v', type: 'quantitative', title: o.value ?? 'value', scale: { scheme: o.scheme ?? 'blues' } },
      tooltip: [{ field: 'from' }, { field: 'to' }, { field: 'v', title: o.value ?? 'value' }],
    },
  };
}

/** A bar chart of value per category. */
export function barChart(rows: Row[], o: AxisOptions & { x: string; y: string; color?: string; grouped?: boolean }): VegaLiteSpec {
  return {
    ...frame(o), data: { values: rows }, mark: 'bar',
    encoding: {
      x: { field: o.x, type: 'nominal', title: o.xTitle ?? o.x, sort: null },
      y: axis(o.y, o.yTitle, o.logY, true),
      ...(o.color ? { color: { field: o.color, type: 'nominal', sort: null } } : {}),
      // grouped: the colours side by side within each x, instead of stacked
      ...(o.color && o.grouped ? { xOffset: { field: o.color, type: 'nominal', sort: null } } : {}),
    },
  };
}

/** Side-by-side panels. */
export function hconcat(specs: VegaLiteSpec[], title?: string): VegaLiteSpec {
  const inner = specs.map(({ $schema: _drop, ...rest }) => rest);
  return { $schema: SCHEMA, ...(title ? { title } : {}), hconcat: inner, resolve: { scale: { color: 'independent' } } };
}

/** Several specs drawn on one set of axes (for example data as points, a model as lines). */
export function overlay(specs: VegaLiteSpec[], title?: string): VegaLiteSpec {
  const first = specs[0] ?? {};
  const inner = specs.map(({ $schema: _s, width: _w, height: _h, title: _t, ...rest }) => rest);
  return { $schema: SCHEMA, width: first.width ?? 420, height: first.height ?? 260, ...(title ? { title } : {}), layer: inner };
}
