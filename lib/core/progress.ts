// A progress bar that updates in place in a notebook and prints a few compact lines in a terminal.
import { tslabDisplay } from './notebook';

export interface Progress {
  /** Reports that `done` of `total` units are finished, with named figures such as the loss. */
  update(done: number, figures?: Record<string, number>): Promise<void>;
  /** Final report. */
  finish(figures?: Record<string, number>): Promise<void>;
}

function fmtFigures(figures: Record<string, number>): string {
  return Object.entries(figures).map(([k, v]) => `${k} ${Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4)}`).join('  ');
}

function fmtSeconds(s: number): string {
  return s < 60 ? `${s.toFixed(0)}s` : `${Math.floor(s / 60)}m${Math.round(s % 60).toString().padStart(2, '0')}s`;
}

/** Lets the kernel send queued display messages while a long loop runs. */
/** Lets timers and messages waiting on the event loop run (a notebook's display, a test runner's calls). */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A progress bar over `total` units. `mode`: 'auto' (notebook bar inside tslab, lines in a terminal),
 * 'lines' or 'off'.
 */
export function progressBar(label: string, total: number, mode: 'auto' | 'lines' | 'off' = 'auto'): Progress {
  const start = Date.now();
  const tslab = mode === 'auto' ? tslabDisplay() : null;
  const view = tslab ? tslab.newDisplay() : null;
  let lastDraw = 0;
  let nextLine = 0; // terminal: print at 0%, 10%, ..., 100%

  const render = (done: number, figures: Record<string, number>, final: boolean) => {
    const elapsed = (Date.now() - start) / 1000;
    const eta = done > 0 ? (elapsed * (total - done)) / done : NaN;
    const time = final ? `${fmtSeconds(elapsed)}` : `${fmtSeconds(elapsed)} elapsed, ${Number.isFinite(eta) ? fmtSeconds(eta) : '?'} left`;
    const text = `${label} ${done}/${total}  ${fmtFigures(figures)}  (${time})`;
    if (view) {
      const pct = Math.round((100 * done) / Math.max(total, 1));
      view.html(`<div style="font-family:monospace"><progress value="${done}" max="${total}" style="width:20em"></progress> ${pct}% ${text.replace(/</g, '&lt;')}</div>`);
    } else if (mode !== 'off') {
      console.log(text);
    }
  };

  return {
    async update(done, figures = {}) {
      if (view) {
        const now = Date.now();
        if (now - lastDraw < 250) return;
        lastDraw = now;
        render(done, figures, false);
        await yieldToEventLoop();
      } else if (mode !== 'off' && done < total && done >= (nextLine * total) / 10) {
        while (done >= (nextLine * total) / 10) nextLine++;
        render(done, figures, false);
      }
    },
    async finish(figures = {}) {
      if (mode !== 'off') render(total, figures, true);
      await yieldToEventLoop();
    },
  };
}
