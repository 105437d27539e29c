import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BenchResults, MIN_SAVED_ROUNDS, loadResults, saveResults, unsavedBecause } from '../../bench/results';
import { DEFAULT_TORCH_SETTINGS } from '../../bench/rounds';
import { BEGIN, END, Machine, renderResults, replaceLatest } from '../../bench/report';

const machine: Machine = { cpu: 'Test CPU', cores: 2, memoryGiB: 24, avx512: true, node: 'v20.0.0' };

function result(bench: string, rows: BenchResults['rows'], reference = 'PyTorch reference x_torch.py (the machine sets no OpenBLAS overrides):\n  1 thread: torch 1.13'): BenchResults {
  return { bench, title: `what ${bench} times`, date: '2026-12-07T01:00:00.000Z', commit: 'abc1234', backend: 'wasm', wasmThreads: 2, rounds: 5, settings: '1,2,1/blas2', reference, rows };
}

describe('bench results and report', () => {
  it('writes a bench\'s rows with the reference\'s setup and reads them back in bench order', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
    const reference = { measure: async () => ({}), stop: () => undefined, describe: () => 'PyTorch reference y.py: 1 thread' };
    saveResults({ bench: 'zeta', title: 't', backend: 'wasm', rounds: 3, settings: DEFAULT_TORCH_SETTINGS, rows: [{ model: 'm', unit: 'ms', compared: { ours: 0.01 } }] }, reference, dir);
    saveResults({ bench: 'alpha', title: 't', backend: 'wasm', rounds: 3, settings: DEFAULT_TORCH_SETTINGS, rows: [{ model: 'm', unit: 'ms', compared: { ours: 0.02 } }] }, null, dir);
    const loaded = loadResults(dir);
    expect(loaded.map((r) => r.bench)).toEqual(['alpha', 'zeta']);
    expect(loaded[1].reference).toBe('PyTorch reference y.py: 1 thread');
    expect(loaded[0].reference).toMatch(/no PyTorch reference ran/);
    expect(loaded[1].commit).toMatch(/^([0-9a-f]{7,}( \+ changes)?|unknown)$/);
    expect(Date.parse(loaded[1].date)).not.toBeNaN();
  });

  it('keeps out of the table a run with fewer torch settings or too few rounds, and saves a bench without PyTorch as it ran', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
    const rows: BenchResults['rows'] = [{ model: 'm', unit: 'ms', compared: { ours: 0.01 } }];
    expect(saveResults({ bench: 'profiled', title: 't', backend: 'wasm', rounds: 5, settings: '1', rows }, null, dir)).toBeNull();
    expect(saveResults({ bench: 'short', title: 't', backend: 'wasm', rounds: 2, settings: DEFAULT_TORCH_SETTINGS, rows }, null, dir)).toBeNull();
    expect(unsavedBecause({ settings: '1', rounds: 5 })).toMatch(/PyTorch ran under 1 only/);
    expect(unsavedBecause({ settings: DEFAULT_TORCH_SETTINGS, rounds: MIN_SAVED_ROUNDS - 1 })).toMatch(/fewer than/);
    expect(saveResults({ bench: 'coding', title: 't', backend: 'js', rounds: 1, settings: 'none', rows }, 'no PyTorch', dir)).not.toBeNull();
    expect(loadResults(dir).map((r) => r.bench)).toEqual(['coding']);
  });

  it('refuses a row without a positive time, and a folder that is missing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
    expect(() => saveResults({ bench: 'b', title: 't', backend: 'wasm', rounds: 1, settings: '1', rows: [{ model: 'broken', unit: 'ms', compared: { ours: NaN } }] }, null, dir))
      .toThrow(/row "broken": our time NaN is not a positive number/);
    expect(() => loadResults(path.join(dir, 'absent'))).toThrow(/no bench results in .*absent: run the benches first/);
    fs.writeFileSync(path.join(dir, 'stray.json'), '{"x": 1}');
    expect(() => loadResults(dir)).toThrow(/stray.json is not a bench result/);
  });

  it('renders one row per model with the fastest setting, the range, both sides alone, and lists the rows below 1.0', () => {
    const products = 'products on OpenBLAS 0.3.21, Haswell kernel';
    const md = renderResults([
      { ...result('flow', [
        { model: '2-D RealNVP', unit: 'ms', compared: { ours: 0.004, reference: 0.005, ratio: 1.25, low: 1.1, high: 1.3, setting: '1', settings: { 1: 0.005, 2: 0.009 }, alone: { ours: 0.0038, reference: 0.0046, ratio: 0.0046 / 0.0038, setting: '1' } } },
        { model: 'MADE VAE', unit: 'ms', compared: { ours: 0.01, reference: 0.006, ratio: 0.6, low: 0.5, high: 0.7, setting: '2' } },
      ]), products },
      { ...result('nngp', [{ model: 'kernel', unit: 's', compared: { ours: 2, reference: 2.5, ratio: 1.25, low: 1.2, high: 1.3 } }]), products },
      { ...result('coding', [{ model: 'BB-ANS encode', unit: 'ms', compared: { ours: 0.000095 } }], 'craystack measured separately'), settings: 'none', backend: 'float64 in JavaScript and WebAssembly' },
    ], machine);
    expect(md.startsWith(BEGIN)).toBe(true);
    expect(md.endsWith(END)).toBe(true);
    expect(md).toContain('at **abc1234**');
    expect(md).toContain('Test CPU, 2 cores (AVX-512), 24 GiB');
        expect(md).toContain('| flow | 2-D RealNVP | 4.00 ms | 5.00 ms (1 thread) | 1.25 (1.10-1.30) | 3.80 ms / 4.60 ms (1 thread) = 1.21 |');
    expect(md).toContain('| flow | MADE VAE | 10.00 ms | 6.00 ms (2 threads) | 0.60 (0.50-0.70) | n/a |');
    expect(md).toContain('| nngp | kernel | 2.00 s | 2.50 s | 1.25 (1.20-1.30) | n/a |');
    // a bench without PyTorch gets a table of its own, its note in place of a reference
    expect(md).toContain('**coding**, without a PyTorch process (float64 in JavaScript and WebAssembly): craystack measured separately.');
    expect(md).toContain('| BB-ANS encode | 0.095 ms |');
    expect(md).toContain('tfjs backend wasm on 2 threads; the engine\'s products on OpenBLAS 0.3.21, Haswell kernel.');
    // results saved before the field existed ran their products in WebAssembly
    expect(renderResults([result('flow', [{ model: 'x', unit: 'ms', compared: { ours: 1, reference: 1, ratio: 1, low: 1, high: 1 } }])], machine))
      .toContain('tfjs backend wasm on 2 threads; the engine\'s products in WebAssembly.');
    expect(md).toContain('PyTorch ran under the settings 1,2,1/blas2 (torch threads');
    expect(md).toContain('Below 1.0: 1 of the 3 rows compared with PyTorch: MADE VAE (0.60).');
    // the two PyTorch benches reported the same setup, named once without the script
    expect(md).toContain('Every bench\'s reference reported the same setup');
    expect(md.match(/PyTorch \(the machine sets no OpenBLAS overrides\)/g)).toHaveLength(1);
    expect(() => renderResults([], machine)).toThrow(/no bench results/);
  });

  it('replaces only the block between the markers, and puts a first block after the title', () => {
    const old = `# Speed\n\n${BEGIN}\nold table\n${END}\n\n## Notes\nkept`;
    expect(replaceLatest(old, `${BEGIN}\nnew\n${END}`)).toBe(`# Speed\n\n${BEGIN}\nnew\n${END}\n\n## Notes\nkept`);
    expect(replaceLatest('# Speed\n\n## Notes\nkept', `${BEGIN}\nnew\n${END}`)).toBe(`# Speed\n\n${BEGIN}\nnew\n${END}\n\n## Notes\nkept`);
    expect(() => replaceLatest(`# Speed\n${BEGIN}\nno end`, 'x')).toThrow(/one of the latest run's markers/);
  });
});
