// Executes the notebooks in notebooks/ headless through the real tslab kernel, writing
// build/NAME.ipynb (executed) and build/runs/NAME.json (seconds and claims per pass), then builds
// the book (scripts/build-book.ts) from what ran.
// Usage: node dist/scripts/run-notebooks.js [--only PATTERN] [--reader SEED2] [--seeds 2026,1,2]
//   --only     notebooks whose file name contains PATTERN (an exact name, e.g. 06-feynman-kac, wins)
//   --reader   also the reader's passes: every cell again with SEED = SEED2, then each cell alone
//              from the last to the first, leaving out the cells that took over 5 s the first time
//              (scripts/execute_notebook.py)
//   --seeds    run every notebook once per seed (VI_SEED) and write build/claims.html from the
//              executed notebooks of every seed (build/ and build/seeds/S/)
//   --claims   stop (default): a failed claim stops its notebook; continue: the notebook goes on
//              (VI_CLAIMS=continue), so every claim is measured under every seed; the run still fails
//   --profile-kernels true   time every tfjs kernel the lecture calls (scripts/kernel-profile.ts)
//              and print the slowest, with build/profiles/NAME.json
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from './args';
import { buildBook } from './build-book';
import { seedRunsFromBuild, writeClaimsReport } from './claims-report';
import { KernelProfile, profileLines } from './kernel-profile';

const ROOT = path.resolve(__dirname, '..', '..');
const PY = '/usr/bin/python3';

export interface RunRecord {
  name: string;
  seed: number;
  ok: boolean;
  seconds: Record<string, number>;
  claims: Record<string, { held: boolean; text: string }[]>;
  failed?: { pass: string; cell: number };
  /** Cells run alone in the last-to-first pass, and cells left out of it for their length. */
  reverseCells?: { run: number; left_out: number };
}

function selected(only: string): string[] {
  const all = fs
    .readdirSync(path.join(ROOT, 'notebooks'))
    .filter((f) => f.endsWith('.ipynb'))
    .sort();
  const exact = all.filter((f) => f === `${only}.ipynb` || f === only);
  const chosen = exact.length > 0 ? exact : all.filter((f) => f.includes(only));
  if (chosen.length === 0)
    throw new Error(`no notebook in notebooks/ matches "${only}"; see ls notebooks/`);
  return chosen;
}

/** Runs one notebook (and the reader's passes when reseed is given); returns its record. */
export function runNotebook(
  file: string,
  o: { seed: number; reseed?: number; timeout: number; out: string; profile?: boolean; claims?: 'stop' | 'continue' },
): RunRecord {
  const name = file.replace(/\.ipynb$/, '');
  const profilePrefix = path.join(o.out, 'profiles', `${name}-kernel`);
  if (o.profile) fs.mkdirSync(path.dirname(profilePrefix), { recursive: true });
  const env = {
    ...process.env,
    ...(o.profile ? {
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${path.join(ROOT, 'dist/scripts/kernel-profile.js')}`.trim(),
      VI_KERNEL_PROFILE: profilePrefix,
    } : {}),
    VI_SEED: String(o.seed),
    VI_CLAIMS: o.claims ?? 'stop',
    PYTHONWARNINGS: 'ignore',
    JUPYTER_PATH: path.join(ROOT, '.jupyter/share/jupyter'),
  };
  const extra = o.reseed === undefined ? [] : ['--reseed', String(o.reseed), '--reverse'];
  const run = spawnSync(
    PY,
    [
      path.join(ROOT, 'scripts/execute_notebook.py'),
      path.join(ROOT, 'notebooks', file),
      path.join(o.out, file),
      '--kernel',
      'tslab',
      '--timeout',
      String(o.timeout),
      '--cwd',
      path.join(ROOT, 'notebooks'),
      ...extra,
    ],
    { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let summary: Partial<RunRecord> & { status?: string; reverse_cells?: RunRecord['reverseCells'] } = {};
  try {
    summary = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}');
  } catch {
    console.error(`[lectures] ${file}: the driver printed no summary:\n${run.stdout}`);
  }
  if (o.profile) reportProfile(name, profilePrefix);
  return {
    name,
    seed: o.seed,
    // a claim that failed under --claims continue fails the run as a stopped notebook would
    ok: run.status === 0 && summary.status === 'ok' && missedClaims(summary.claims ?? {}).length === 0,
    seconds: summary.seconds ?? {},
    claims: summary.claims ?? {},
    failed: summary.failed,
    reverseCells: summary.reverse_cells,
  };
}

/** The claims of every pass that did not hold. */
function missedClaims(claims: RunRecord['claims']): RunRecord['claims'][string] {
  return Object.values(claims).flat().filter((c) => !c.held);
}

/** 'ok', or how the run failed: the pass and cell that stopped, or the claims gone past. */
function verdict(record: RunRecord): string {
  if (record.ok) return 'ok';
  if (record.failed) return `FAILED (${record.failed.pass}, cell ${record.failed.cell})`;
  const missed = missedClaims(record.claims);
  return missed.length > 0 ? `FAILED (${missed.length} claims failed and were gone past)` : 'FAILED (driver)';
}

/** Prints the kernel profile the lecture's kernel process wrote, and keeps it as profiles/NAME.json. */
function reportProfile(name: string, prefix: string): void {
  const dir = path.dirname(prefix);
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.startsWith(`${path.basename(prefix)}-`)) : [];
  if (files.length === 0) {
    console.error(`[lectures] ${name}: no kernel profile was written (is dist/scripts/kernel-profile.js built?)`);
    return;
  }
  // one kernel process per lecture run
  const profile: KernelProfile = JSON.parse(fs.readFileSync(path.join(dir, files[0]), 'utf8'));
  files.forEach((f) => fs.rmSync(path.join(dir, f)));
  fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(profile, null, 1));
  console.log(`[lectures] ${name}: ${profileLines(profile).join('\n')}`);
}

function main(): void {
  const args = parseArgs({ only: '', timeout: '240', reader: '', seeds: '', book: 'true', out: 'build', 'profile-kernels': 'false', claims: 'stop' });
  if (args.claims !== 'stop' && args.claims !== 'continue') {
    throw new Error(`--claims is '${args.claims}'; use --claims stop (the default) or --claims continue`);
  }
  // executed notebooks and their records go to --out (another folder keeps a variant run, such as
  // one on stock tfjs, out of the book)
  const build = path.resolve(ROOT, args.out);
  const runs = path.join(build, 'runs');
  fs.mkdirSync(runs, { recursive: true });
  const files = selected(args.only);
  const seeds = args.seeds
    ? args.seeds.split(',').map(Number)
    : [Number(process.env.VI_SEED ?? 2026)];
  const reseed = args.reader ? Number(args.reader) : undefined;
  const records: RunRecord[] = [];
  for (const [s, seed] of seeds.entries()) {
    // the first seed's run makes the book; the others only feed the claims report
    const out = s === 0 ? build : path.join(build, 'seeds', String(seed));
    fs.mkdirSync(out, { recursive: true });
    for (const file of files) {
      console.log(
        `[lectures] running ${file} with SEED = ${seed}${reseed === undefined ? '' : `, then as a reader (SEED = ${reseed}, each cell again)`}`,
      );
      const record = runNotebook(file, { seed, reseed, timeout: Number(args.timeout), out, profile: args['profile-kernels'] === 'true', claims: args.claims as 'stop' | 'continue' });
      const cells = record.reverseCells;
      const passes = Object.entries(record.seconds)
        .map(([p, t]) => `${p} ${t.toFixed(0)} s`)
        .join(', ')
        .concat(cells ? ` (${cells.run} cells alone; ${cells.left_out} of over 5 s left out)` : '');
      console.log(
        `[lectures] ${file}: ${verdict(record)}; ${passes}`,
      );
      if (s === 0)
        fs.writeFileSync(path.join(runs, `${record.name}.json`), JSON.stringify(record, null, 1));
      records.push(record);
    }
  }
  if (args.seeds) {
    writeClaimsReport(
      path.join(build, 'claims.html'),
      seedRunsFromBuild(
        build,
        seeds,
        selected('').map((f) => f.replace(/\.ipynb$/, '')),
      ),
    );
    console.log('[lectures] claims of every lecture under each seed: build/claims.html');
  }
  if (args.book === 'true') buildBook(ROOT, build);
  const failed = records.filter((r) => !r.ok);
  console.log(
    `[lectures] ${records.length - failed.length} passed, ${failed.length} failed; see build/index.html`,
  );
  if (failed.length > 0) process.exit(1);
}

if (require.main === module) main();
