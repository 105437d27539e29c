// Executes every notebook through the real tslab kernel (scripts/run-notebooks.ts), as `npm run
// lectures` does: any error, skipped cell or time-out fails the test, with the cell's own message.
import { describe, expect, it } from 'vitest';
import { spawn } from 'child_process';
import * as fs from 'fs';

describe('notebooks', () => {
  it('all run top to bottom through tslab within their budget', async () => {
    // asynchronous, so that the test worker keeps answering vitest's RPC during the ~17-minute run
    // (a spawnSync blocked it, and vitest reported "Timeout calling onTaskUpdate")
    const status = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('node', ['dist/scripts/run-notebooks.js'], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 30 * 60_000 });
      child.on('error', reject);
      child.on('close', (code) => resolve(code));
    });
    expect(status, 'a notebook failed: its cell and error are printed above').toBe(0);
    const index = JSON.parse(fs.readFileSync('build/index.json', 'utf8')) as { name: string; ok: boolean }[];
    const notebooks = fs.readdirSync('notebooks').filter((f) => f.endsWith('.ipynb'));
    expect(index.filter((o) => o.ok).length).toBe(notebooks.length);
  }, 31 * 60_000);
});
