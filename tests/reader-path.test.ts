// The reader's path, followed as environment.md writes it, on a clean clone of this repository's
// HEAD: npm install (which patches tslab), npm run jupyter (which registers the kernel with an
// absolute path), then a Jupyter front end started from a shell whose PATH has no node_modules/.bin,
// driving a lecture in headless Chromium: run all, progress bars updating, figures drawn, one cell
// run again after the end. Classic Notebook from Debian stands in for JupyterLab.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { driveNotebook } from '../scripts/drive-notebook';

const LECTURE = '07-bits-back';
const PY = '/usr/bin/python3'; // Debian's Jupyter; a reader's own python3 with pip's JupyterLab works the same way
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reader-path-'));
const clone = path.join(tmp, 'clone');
const kernels = path.join(tmp, 'kernels');
let server: ChildProcess | undefined;

/**
 * Runs a command to its end without blocking this worker: npm install takes close to a minute, and a
 * worker that does not answer vitest for a minute fails the run ("Timeout calling onTaskUpdate").
 */
function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 10 * 60_000 });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (status) =>
      status === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} failed (${status}):\n${out}\n${err}`)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForServer(url: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Jupyter did not answer at ${url} within ${ms / 1000} s`);
}

describe("the reader's path", () => {
  beforeAll(async () => {
    await sh('git', ['clone', '-q', process.cwd(), clone], tmp);
    await sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], clone);
    await sh('npm', ['run', 'jupyter', '--', '--no-start', '--prefix', kernels], clone, {
      ...process.env,
      VI_PYTHON: PY,
    });
  }, 10 * 60_000);

  afterAll(() => {
    server?.kill();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('npm install applied the tslab patch, and the kernel spec names our tslab launcher by an absolute path', () => {
    const jupyterJs = fs.readFileSync(
      path.join(clone, 'node_modules/tslab/dist/jupyter.js'),
      'utf8',
    );
    expect(jupyterJs).toContain('viSendQueues');
    const spec = JSON.parse(
      fs.readFileSync(path.join(kernels, 'share/jupyter/kernels/tslab/kernel.json'), 'utf8'),
    );
    expect(path.isAbsolute(spec.argv[0])).toBe(true);
    expect(spec.argv[0]).toBe(path.join(clone, 'scripts/tslab-kernel.sh'));
  });

  it(
    `runs ${LECTURE} in classic Notebook started without node_modules/.bin on PATH`,
    async () => {
      const port = await freePort();
      const token = 'reader-path-test';
      const env = {
        PATH: '/usr/bin:/bin',
        HOME: tmp,
        JUPYTER_PATH: path.join(kernels, 'share/jupyter'),
      };
      expect(env.PATH).not.toContain('node_modules');
      server = spawn(
        PY,
        [
          '-m',
          'notebook',
          '--no-browser',
          '--allow-root',
          `--port=${port}`,
          '--ip=127.0.0.1',
          `--NotebookApp.token=${token}`,
          `--notebook-dir=${path.join(clone, 'notebooks')}`,
        ],
        { env, stdio: 'ignore' },
      );
      await waitForServer(`http://127.0.0.1:${port}/api/kernelspecs?token=${token}`, 60_000);
      // go back to the first cell that draws a figure
      const cells = JSON.parse(
        fs.readFileSync(path.join(clone, 'notebooks', `${LECTURE}.ipynb`), 'utf8'),
      ).cells as { source: string[] }[];
      const figureCell = cells.findIndex((c) => c.source.join('').includes('L.show'));
      const run = await driveNotebook(
        `http://127.0.0.1:${port}/notebooks/${LECTURE}.ipynb?token=${token}`,
        figureCell,
        6 * 60_000,
        path.join('build', 'reader-path.png'),
      );
      console.log(
        `[reader path] ${run.cells} cells, ${run.figures} figures (${run.blankFigures} blank), progress values seen: ${run.progressValues.length}`,
      );
      expect(run.errors).toEqual([]);
      expect(
        run.progressValues.filter((v) => v > 0 && v < 1).length,
        'the progress bar updated in place',
      ).toBeGreaterThan(2);
      expect(run.progressValues).toContain(1);
      expect(run.figures).toBeGreaterThan(0);
      expect(run.blankFigures).toBe(0);
      expect(run.rerunErrors).toEqual([]);
    },
    10 * 60_000,
  );
});
