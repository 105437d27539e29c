// The row walk and the run copy shared by the engine's copying kernels (slice, tile, reverse,
// gather): every position of the outer axes in row-major order, a row being a run of values along
// the innermost axis.
import type * as tf from '../core/tf';

/** Calls visit(index, row) for every index over the axes `outer` (row-major), row counting from 0; once for no axes. */
export function forEachRow(outer: number[], visit: (index: number[], row: number) => void): void {
  if (outer.some((d) => d === 0)) return;
  const index = new Array<number>(outer.length).fill(0);
  for (let row = 0; ; row++) {
    visit(index, row);
    let a = outer.length - 1; // odometer
    while (a >= 0 && ++index[a] === outer[a]) index[a--] = 0;
    if (a < 0) return;
  }
}

/** Runs shorter than this are copied value by value: a new typed-array view costs about 0.1 us. */
const SHORT_RUN = 16;

/** out[to, to + run) = x[from, from + run). */
export function copyRun(x: tf.TypedArray, from: number, out: tf.TypedArray, to: number, run: number): void {
  if (run < SHORT_RUN) for (let i = 0; i < run; i++) out[to + i] = x[from + i];
  else out.set(x.subarray(from, from + run), to);
}
