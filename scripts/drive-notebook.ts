// Drives a lecture through a real Jupyter front end in headless Chromium, as a reader does: opens it
// in classic Notebook (Debian's stand-in for JupyterLab), runs all cells, watches the progress bars
// update, checks that every figure was drawn, then re-runs one cell after the notebook finished.
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, figurePixels } from './check-book';

export interface FrontEndRun {
  cells: number;
  errors: string[];
  /** distinct values a progress bar showed while the notebook ran */
  progressValues: number[];
  figures: number;
  blankFigures: number;
  rerunErrors: string[];
}

/** The cells' error outputs (ename: evalue), and stderr text that names a failed claim. */
async function cellErrors(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const nb = (window as any).Jupyter.notebook;
    const out: string[] = [];
    nb.get_cells().forEach((cell: any, i: number) => {
      for (const o of cell.output_area?.outputs ?? []) {
        if (o.output_type === 'error') out.push(`cell ${i}: ${o.ename}: ${o.evalue}`);
        if (o.output_type === 'stream' && o.name === 'stderr' && /Error|claim failed/.test(o.text))
          out.push(`cell ${i}: ${o.text.slice(0, 300)}`);
      }
    });
    return out;
  });
}

/** Waits until the kernel is idle and no cell is queued or running. */
async function waitIdle(
  page: Page,
  timeoutMs: number,
  onTick?: () => Promise<void>,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (onTick) await onTick();
    // classic Notebook marks a cell 'running' from the moment it is queued until its reply
    const busy = await page.evaluate(() =>
      (window as any).Jupyter.notebook
        .get_cells()
        .some((c: any) => c.element?.hasClass?.('running')),
    );
    if (!busy) return;
    await page.waitForTimeout(200);
  }
  throw new Error(`the notebook was still running after ${timeoutMs / 1000} s`);
}

/** Opens `url` (a notebook page of a running classic Notebook server) and runs it as a reader. */
export async function driveNotebook(
  url: string,
  rerunCell: number,
  timeoutMs = 300_000,
  screenshot?: string,
): Promise<FrontEndRun> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(
      () => {
        const nb = (window as any).Jupyter?.notebook;
        return nb?.kernel?.is_connected?.() && nb.kernel_selector?.current_selection === 'tslab';
      },
      undefined,
      { timeout: 60_000 },
    );
    const cells = await page.evaluate(() => (window as any).Jupyter.notebook.get_cells().length);
    const seen = new Set<number>();
    const watchProgress = async () => {
      const values = await page.evaluate(() =>
        Array.from(document.querySelectorAll('.output_area progress')).map(
          (p) =>
            Number((p as HTMLProgressElement).value) /
            Math.max(1, Number((p as HTMLProgressElement).max)),
        ),
      );
      values.forEach((v) => seen.add(Math.round(v * 1000) / 1000));
    };
    await page.evaluate(() => (window as any).Jupyter.notebook.execute_all_cells());
    await page.waitForTimeout(500);
    await waitIdle(page, timeoutMs, watchProgress);
    const errors = await cellErrors(page);
    // every figure in the output areas, drawn and read back as pixels
    const drawn = await page.evaluate(figurePixels, '#notebook-container');
    const [figures, blankFigures] = [drawn.figures, drawn.blank.length];
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    // back to an earlier cell after the end, as a reader does
    await page.evaluate((i) => (window as any).Jupyter.notebook.execute_cells([i]), rerunCell);
    await page.waitForTimeout(500);
    await waitIdle(page, timeoutMs);
    const rerunErrors = (await cellErrors(page)).filter((e) => e.startsWith(`cell ${rerunCell}:`));
    return {
      cells,
      errors,
      progressValues: [...seen].sort((a, b) => a - b),
      figures,
      blankFigures,
      rerunErrors,
    };
  } finally {
    await browser.close();
  }
}
