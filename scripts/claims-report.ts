// Writes build/claims.html: every claim of every lecture in a row, per seed, with whether it held.
// Claims are the lines a notebook prints with a check mark (lib/core/claims.ts); a claim that failed
// stopped its notebook, so the claims after it did not run under that seed, unless the run was made
// with --claims continue (every claim then runs and the failed ones print with a cross).
import * as fs from 'fs';
import * as path from 'path';

export interface SeedRun {
  name: string;
  seed: number;
  ok: boolean;
  claims: { held: boolean; text: string }[];
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The HTML report; one table per lecture, a column per seed, the claim's printed text per cell. */
export function claimsReportHtml(runs: SeedRun[]): string {
  const seeds = [...new Set(runs.map((r) => r.seed))];
  const names = [...new Set(runs.map((r) => r.name))];
  const totals = seeds.map((s) => {
    const claims = runs.filter((r) => r.seed === s).flatMap((r) => r.claims);
    return `SEED = ${s}: ${claims.filter((c) => c.held).length} held, ${claims.filter((c) => !c.held).length} failed`;
  });
  const sections = names.map((name) => {
    const bySeed = seeds.map((s) => runs.find((r) => r.name === name && r.seed === s));
    const rows = Math.max(...bySeed.map((r) => r?.claims.length ?? 0));
    const body = Array.from(
      { length: rows },
      (_, i) =>
        `<tr><td>${i + 1}</td>${bySeed
          .map((r) => {
            const c = r?.claims[i];
            if (!c) return '<td class="none">did not run</td>';
            return `<td class="${c.held ? 'held' : 'failed'}">${c.held ? '✓' : '✗'} ${escapeHtml(c.text)}</td>`;
          })
          .join('')}</tr>`,
    ).join('\n');
    const status = bySeed
      .map((r) => `<th>SEED = ${r?.seed} ${r?.ok ? '' : '(stopped)'}</th>`)
      .join('');
    return `<h2>${escapeHtml(name)}</h2>\n<table><tr><th>#</th>${status}</tr>\n${body}\n</table>`;
  });
  return `<!doctype html><html><head><meta charset="utf-8"><title>Claims under several seeds</title>
<style>body{font-family:sans-serif;max-width:90em;margin:2em auto;padding:0 1em}table{border-collapse:collapse}
td,th{padding:.3em .6em;border-bottom:1px solid #ddd;vertical-align:top;font-size:90%}
.held{color:#064}.failed{color:#a00;font-weight:bold}.none{color:#888}</style></head><body>
<h1>Every claim of the lectures, under each seed</h1>
<p>${totals.map(escapeHtml).join('<br>')}</p>
${sections.join('\n')}
</body></html>
`;
}

export function writeClaimsReport(file: string, runs: SeedRun[]): void {
  fs.writeFileSync(file, claimsReportHtml(runs));
}

/** The claims an executed notebook printed: ✓ lines of its streams, and the claims that failed. */
export function claimsOfNotebook(file: string): SeedRun['claims'] {
  const nb = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    cells: { outputs?: { output_type: string; name?: string; text?: string | string[] }[] }[];
  };
  const found: SeedRun['claims'] = [];
  for (const cell of nb.cells) {
    for (const out of cell.outputs ?? []) {
      if (out.output_type !== 'stream') continue;
      const text = Array.isArray(out.text) ? out.text.join('') : (out.text ?? '');
      for (const line of text.split('\n')) {
        if (line.startsWith('✓')) found.push({ held: true, text: line.slice(1).trim() });
        // thrown (the notebook stopped) or, under VI_CLAIMS=continue, reported and gone past
        const failed = /^(?:\w*Error:|✗) claim failed: (.*)$/.exec(line);
        if (out.name === 'stderr' && failed) found.push({ held: false, text: failed[1].trim() });
      }
    }
  }
  return found;
}

/**
 * The runs of every lecture under each seed, from the executed notebooks in build/ (the first seed)
 * and build/seeds/S/ (the others), so that a lecture run again updates the report.
 */
export function seedRunsFromBuild(build: string, seeds: number[], lectures: string[]): SeedRun[] {
  return seeds.flatMap((seed, i) => {
    const dir = i === 0 ? build : path.join(build, 'seeds', String(seed));
    if (!fs.existsSync(dir)) return [];
    return fs
      .readdirSync(dir)
      .filter((f) => lectures.includes(f.replace(/\.ipynb$/, '')))
      .sort()
      .map((f) => {
        const nb = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
        const ok = nb.metadata?.vi_lectures?.status === 'ok';
        return {
          name: f.replace(/\.ipynb$/, ''),
          seed,
          ok,
          claims: claimsOfNotebook(path.join(dir, f)),
        };
      });
  });
}
