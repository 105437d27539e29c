// How the OpenBLAS addon is chosen (lib/engine/native-blas.ts), each case in a fresh Node process,
// since the addon and OpenBLAS load once per process: VI_NATIVE_BLAS=off keeps the products in
// WebAssembly and says so; VI_OPENBLAS_KERNEL=processor loads OpenBLAS without the machine's
// kernel override and puts the override back for everything else in the process; values that are
// neither are refused by name. (The products themselves: tests/engine/wasm-matmul.test.ts.)
import { execFileSync } from 'child_process';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { OPENBLAS } from '../helpers';

const ROOT = path.resolve(__dirname, '..', '..');

/** What a fresh process prints: the status line and the override's value after loading, or the error. */
function freshProcess(env: Record<string, string>): { status?: string; coretype?: string; error?: string } {
  const code = `try { const b = require('./lib/engine/native-blas'); const status = b.nativeBlasStatus();
    console.log(JSON.stringify({ status, coretype: process.env.OPENBLAS_CORETYPE })); }
    catch (e) { console.log(JSON.stringify({ error: e.message })); }`;
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', code],
    { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!);
}

describe.runIf(OPENBLAS)('choosing the OpenBLAS addon', () => {
  it('keeps the products in WebAssembly with VI_NATIVE_BLAS=off, and says so', () => {
    expect(freshProcess({ VI_NATIVE_BLAS: 'off' }).status).toBe('products in WebAssembly (VI_NATIVE_BLAS=off)');
    expect(freshProcess({ VI_NATIVE_BLAS: 'maybe' }).error).toMatch(/VI_NATIVE_BLAS=maybe is not on or off/);
  });

  it('lets OpenBLAS choose its kernel with VI_OPENBLAS_KERNEL=processor, and restores the override', () => {
    const machine = freshProcess({ OPENBLAS_CORETYPE: 'Haswell' });
    expect(machine.status).toMatch(/^products on OpenBLAS \S+, Haswell kernel$/);
    const own = freshProcess({ OPENBLAS_CORETYPE: 'Haswell', VI_OPENBLAS_KERNEL: 'processor' });
    expect(own.status).toMatch(/^products on OpenBLAS \S+, \S+ kernel$/);
    expect(own.coretype).toBe('Haswell');
    expect(freshProcess({ VI_OPENBLAS_KERNEL: 'fastest' }).error).toMatch(/VI_OPENBLAS_KERNEL=fastest is not machine or processor/);
  }, 60_000);
});
