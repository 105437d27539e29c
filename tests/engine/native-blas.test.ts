// How the OpenBLAS addon is chosen (lib/engine/native-blas.ts), each case in a fresh Node process,
// since the addon and OpenBLAS load once per process: VI_NATIVE_BLAS=off keeps the products in
// WebAssembly and says so; VI_OPENBLAS_KERNEL=processor loads OpenBLAS without the machine's
// kernel override and puts the override back for everything else in the process; values that are
// neither are refused by name. (The products themselves: tests/engine/wasm-matmul.test.ts.)
import { execFile } from 'child_process';
import { promisify } from 'util';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { OPENBLAS } from '../helpers';

const ROOT = path.resolve(__dirname, '..', '..');

/** What a fresh process prints: the status line and the override's value after loading, or the error. */
async function freshProcess(env: Record<string, string>): Promise<{ status?: string; coretype?: string; error?: string }> {
  const code = `try { const b = require('./lib/engine/native-blas'); const status = b.nativeBlasStatus();
    console.log(JSON.stringify({ status, coretype: process.env.OPENBLAS_CORETYPE })); }
    catch (e) { console.log(JSON.stringify({ error: e.message })); }`;
  // asynchronously, so that the test worker keeps answering the runner while the child starts
  const { stdout } = await promisify(execFile)(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', code],
    { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

describe.runIf(OPENBLAS)('choosing the OpenBLAS addon', () => {
  it('keeps the products in WebAssembly with VI_NATIVE_BLAS=off, and says so', async () => {
    expect((await freshProcess({ VI_NATIVE_BLAS: 'off' })).status).toBe('products in WebAssembly (VI_NATIVE_BLAS=off)');
    expect((await freshProcess({ VI_NATIVE_BLAS: 'maybe' })).error).toMatch(/VI_NATIVE_BLAS=maybe is not on or off/);
  }, 120_000);

  it('lets OpenBLAS choose its kernel with VI_OPENBLAS_KERNEL=processor, and restores the override', async () => {
    const machine = await freshProcess({ OPENBLAS_CORETYPE: 'Haswell' });
    expect(machine.status).toMatch(/^products on OpenBLAS \S+, Haswell kernel$/);
    const own = await freshProcess({ OPENBLAS_CORETYPE: 'Haswell', VI_OPENBLAS_KERNEL: 'processor' });
    expect(own.status).toMatch(/^products on OpenBLAS \S+, \S+ kernel$/);
    expect(own.coretype).toBe('Haswell');
    expect((await freshProcess({ VI_OPENBLAS_KERNEL: 'fastest' })).error).toMatch(/VI_OPENBLAS_KERNEL=fastest is not machine or processor/);
  }, 120_000);
});
