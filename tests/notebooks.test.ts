// The reader test: every lecture through the real tslab kernel, as a reader uses it. In one kernel,
// each notebook runs top to bottom, then again with another SEED in its first cell, then each cell
// alone from the last to the first (leaving out the trainings, cells of over 5 s, which already ran
// again in the second pass); no cell may fail and every claim must hold on both seeds.
// Then the book is built from the first passes and opened in headless Chromium: every figure drawn,
// every formula typeset, nothing loaded over the network.
// Lectures run two at a time, each kernel on one wasm thread: the lectures' small kernels gain
// little from a second thread, so two single-threaded kernels side by side take about as long as
// one two-threaded kernel alone, and the suite takes half the time. A lecture's 4-minute limit is
// thus checked on one core, with another lecture running beside it. A lecture whose metadata asks
// for both cores (vi_lectures.threads = 2) runs alone afterwards, on the default threads.
import { describe, expect, it, type ExpectStatic } from 'vitest';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';

const READER_SEED = 7;
const SIDE_BY_SIDE = os.cpus().length >= 2;
const KERNEL_ENV: Record<string, string> = SIDE_BY_SIDE ? { VI_WASM_THREADS: '1' } : {};
const notebooks = fs
  .readdirSync('notebooks')
  .filter((f) => f.endsWith('.ipynb'))
  .sort()
  .map((f) => f.replace(/\.ipynb$/, ''));
/** Lectures whose metadata says vi_lectures.threads = 2 (large matrix products, where a second thread pays) run alone. */
const wantsBothCores = (name: string) =>
  JSON.parse(fs.readFileSync(`notebooks/${name}.ipynb`, 'utf8')).metadata?.vi_lectures?.threads === 2;
const alone = notebooks.filter((n) => SIDE_BY_SIDE && wantsBothCores(n));
const paired = notebooks.filter((n) => !alone.includes(n));

/** Runs a node script asynchronously, so that the test worker keeps answering vitest's RPC. */
function run(args: string[], minutes: number, env: Record<string, string> = {}): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn('node', args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
      timeout: minutes * 60_000,
    });
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
}

/** The reader's three passes of one lecture, with the kernel's environment. */
async function readerTest(name: string, env: Record<string, string>, expect: ExpectStatic): Promise<void> {
  const status = await run(
    ['dist/scripts/run-notebooks.js', '--only', name, '--reader', String(READER_SEED), '--book', 'false'],
    25,
    env,
  );
  const record = JSON.parse(fs.readFileSync(`build/runs/${name}.json`, 'utf8'));
  expect(record.failed, 'a cell failed: its source and error are printed above').toBeUndefined();
  expect(status).toBe(0);
  expect(record.seconds.first, 'top to bottom within 4 minutes').toBeLessThan(240);
  expect(record.claims.reseed.length, 'the same claims ran under the second seed').toBe(
    record.claims.first.length,
  );
  expect(record.claims.reseed.every((c: { held: boolean }) => c.held)).toBe(true);
}

const TITLE = '%s: top to bottom, again with another seed, then each cell alone from the last';

describe('lectures, as a reader runs them', () => {
  // at most two at once: vitest.config.ts sets maxConcurrency
  describe('side by side', { concurrent: SIDE_BY_SIDE }, () => {
    it.for(paired)(TITLE, (name, { expect }) => readerTest(name, KERNEL_ENV, expect), 26 * 60_000);

    it('03-posterior-collapse on unmodified tfjs (VI_ENGINE=stock): top to bottom, every claim held', async ({ expect }) => {
      const status = await run(
        ['dist/scripts/run-notebooks.js', '--only', '03-posterior-collapse', '--book', 'false', '--out', 'build/stock'],
        10,
        { ...KERNEL_ENV, VI_ENGINE: 'stock' },
      );
      const record = JSON.parse(fs.readFileSync('build/stock/runs/03-posterior-collapse.json', 'utf8'));
      expect(record.failed, 'a cell failed on stock tfjs: its source and error are printed above').toBeUndefined();
      expect(status).toBe(0);
      expect(record.claims.first.every((c: { held: boolean }) => c.held)).toBe(true);
      const executed = fs.readFileSync('build/stock/03-posterior-collapse.ipynb', 'utf8');
      expect(executed).toContain('stock tfjs, without the engine');
    }, 11 * 60_000);
  });

  describe('alone, on every core', () => {
    it.for(alone)(TITLE, (name, { expect }) => readerTest(name, {}, expect), 26 * 60_000);
  });
});

describe('the book', () => {
  it(
    'builds from the executed notebooks, every page passing the browser check',
    async () => {
      const { buildBook } = await import('../scripts/build-book');
      const pages = buildBook(process.cwd(), 'build');
      expect(pages.map((p) => p.name)).toEqual(notebooks);
      const { checkBook, problems } = await import('../scripts/check-book');
      const checks = await checkBook('build');
      const figures = checks.reduce((s, c) => s + c.figures, 0);
      console.log(`[book] ${checks.length} pages, ${figures} figures checked in Chromium`);
      for (const c of checks) expect(problems(c), c.page).toEqual([]);
      expect(figures).toBeGreaterThan(notebooks.length);
      expect(
        fs.readdirSync('build/figures').filter((f) => f.endsWith('.png')).length,
      ).toBeGreaterThan(notebooks.length);
    },
    10 * 60_000,
  );
});
