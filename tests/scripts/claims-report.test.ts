// The claims report puts every claim of every lecture in a row, one column per seed.
import { describe, expect, it } from 'vitest';
import { claimsReportHtml } from '../../scripts/claims-report';

describe('claimsReportHtml', () => {
  it('counts held and failed claims per seed and marks claims that did not run', () => {
    const html = claimsReportHtml([
      { name: '01-x', seed: 1, ok: true, claims: [{ held: true, text: 'a 1 < 2' }, { held: true, text: 'b <ok>' }] },
      { name: '01-x', seed: 2, ok: false, claims: [{ held: false, text: 'a 3 is not below 2' }] },
    ]);
    expect(html).toContain('SEED = 1: 2 held, 0 failed');
    expect(html).toContain('SEED = 2: 0 held, 1 failed');
    expect(html).toContain('✗ a 3 is not below 2');
    expect(html).toContain('did not run');
    expect(html).toContain('b &lt;ok&gt;');
  });
});

describe('claimsOfNotebook', () => {
  it('reads the held claims from the streams and the failed ones from stderr, stopped or gone past', async () => {
    const fs = await import('fs');
    const os = await import('os');
    const path = await import('path');
    const { claimsOfNotebook } = await import('../../scripts/claims-report');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'claims-')), 'x.ipynb');
    fs.writeFileSync(file, JSON.stringify({ cells: [
      { outputs: [{ output_type: 'stream', name: 'stdout', text: ['note\n', '✓ a 1 < 2\n'] }] },
      { outputs: [{ output_type: 'stream', name: 'stderr', text: '✗ claim failed: c 0.2 is not above 0.25 (SEED = 1)\n' }] },
      { outputs: [{ output_type: 'stream', name: 'stderr', text: 'ClaimError: claim failed: b 3 is not below 2 (SEED = 1)\n' }] },
    ] }));
    expect(claimsOfNotebook(file)).toEqual([
      { held: true, text: 'a 1 < 2' },
      { held: false, text: 'c 0.2 is not above 0.25 (SEED = 1)' },
      { held: false, text: 'b 3 is not below 2 (SEED = 1)' },
    ]);
  });
});
