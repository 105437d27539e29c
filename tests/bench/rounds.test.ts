import { describe, expect, it } from 'vitest';
import { Measurer, Seconds, describeSetting, formatAlone, formatRatio, formatReference, formatRound, formatSetting, interleave, median, torchSettings, withAliases } from '../../bench/rounds';

/** A reference that answers from a list of rounds and records when it was asked. */
function fakeReference(rounds: Seconds[], log: string[]): Measurer & { stopped: boolean } {
  let r = 0;
  return {
    stopped: false,
    async measure() { log.push(`reference ${r}`); return rounds[r++]; },
    stop() { this.stopped = true; },
  };
}

describe('bench rounds', () => {
  it('median of odd and even counts, without reordering its input', () => {
    const xs = [5, 1, 3];
    expect(median(xs)).toBe(3);
    expect(xs).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('alternates the two sides and reports medians, their ratio and the per-round range', async () => {
    const log: string[] = [];
    const ours = [{ a: 2, b: 1 }, { a: 4, b: 1 }, { a: 3, b: 1 }];
    const theirs = [{ a: 1, b: 2 }, { a: 1, b: 2 }, { a: 3, b: 2 }];
    const reference = fakeReference(theirs, log);
    let r = 0;
    const result = await interleave(3, () => { log.push(`ours ${r}`); return ours[r++]; }, reference);
    expect(log).toEqual(['ours 0', 'reference 0', 'ours 1', 'reference 1', 'ours 2', 'reference 2']);
    expect(reference.stopped).toBe(true);
    // a: ours median 3, reference median 1; round ratios 1/2, 1/4, 3/3
    expect(result.a).toEqual({ ours: 3, reference: 1, ratio: 1 / 3, low: 0.25, high: 1 });
    expect(result.b.ratio).toBe(2);
    expect(formatRatio(result.a)).toBe('0.333 (0.25-1.00)');
  });

  it('without a reference, or for a key it does not time, reports our median alone', async () => {
    const alone = await interleave(2, () => ({ a: 1 }), null);
    expect(alone.a).toEqual({ ours: 1 });
    expect(formatRatio(alone.a)).toBe('n/a');
    const partial = await interleave(1, () => ({ a: 1, extra: 2 }), fakeReference([{ a: 2 }], []));
    expect(partial.extra).toEqual({ ours: 2 });
    expect(partial.a.ratio).toBe(2);
  });

  it('compares each key with the setting whose median is lowest, per round against that setting', async () => {
    const ours = [{ a: 10, b: 1 }, { a: 10, b: 1 }, { a: 10, b: 1 }];
    // a: 1 thread steady at 4; 2 threads erratic, median 6 but one round at 2. b: 2 threads faster.
    const theirs = [{ 'a@1': 4, 'a@2': 2, 'b@1': 3, 'b@2': 2 }, { 'a@1': 5, 'a@2': 6, 'b@1': 3, 'b@2': 2 }, { 'a@1': 4, 'a@2': 9, 'b@1': 3, 'b@2': 1 }];
    let r = 0;
    const result = await interleave(3, () => ours[r++], fakeReference(theirs, []));
    expect(result.a).toEqual({ ours: 10, reference: 4, ratio: 0.4, low: 0.4, high: 0.5, setting: '1', settings: { 1: 4, 2: 6 } });
    expect(result.b.setting).toBe('2');
    expect(result.b.reference).toBe(2);
    expect(formatReference(result.a)).toBe('4000.0 ms (1 thread; 2: 6000.0 ms)');
    expect(formatReference(result.b, 's')).toBe('2.00 s (2 threads; 1: 3.00 s)');
    expect(formatReference({ ours: 1, reference: 0.5 }, 's')).toBe('0.50 s');
    expect(formatReference({ ours: 1 })).toBe('n/a');
  });

  it('prints a round\'s times and the setting compared with', () => {
    expect(formatRound(1, 7, ['a', 'b'], { a: 0.012, b: 0.5 }, { 'a@1': 0.0041, 'a@2': 0.009, b: 0.25 }))
      .toBe('round 2/7: a 12.0 / 4.1 (1t) / 9.0 (2t) ms, b 500.0 / 250.0 ms');
    expect(formatRound(0, 1, ['a'], { a: 0.001 })).toBe('round 1/1: a 1.0 ms');
    expect(formatSetting({ ours: 1, reference: 0.5, setting: '2', settings: { 1: 0.75, 2: 0.5 } }, 's')).toBe('(2 threads; 1: 0.75 s)');
    expect(formatSetting({ ours: 1, reference: 0.5 })).toBe('');
  });

  it('aliases copy a key under other names, keeping its setting suffix', async () => {
    const aliased = withAliases(fakeReference([{ 'chol@1': 2, 'chol@2': 1, kernel: 3 }], []), { chol: ['cholTfjs'], kernel: ['k2'] });
    expect(await aliased.measure()).toEqual({ 'chol@1': 2, 'chol@2': 1, 'cholTfjs@1': 2, 'cholTfjs@2': 1, kernel: 3, k2: 3 });
  });

  it('reads settings of torch and OpenBLAS threads and names a bad list', () => {
    expect(torchSettings('1,2')).toEqual([{ label: '1', torchThreads: 1, blasThreads: 1 }, { label: '2', torchThreads: 2, blasThreads: 1 }]);
    expect(torchSettings('1/blas2')).toEqual([{ label: '1/blas2', torchThreads: 1, blasThreads: 2 }]);
    expect(describeSetting('1/blas2')).toBe('1 thread, OpenBLAS on 2');
    expect(describeSetting('2')).toBe('2 threads');
    expect(() => torchSettings('1,two')).toThrow(/--torch-threads 1,two is not a list of settings/);
    expect(() => torchSettings('0')).toThrow(/settings/);
    expect(() => torchSettings('1/blas0')).toThrow(/settings/);
  });

  it('after the alternating rounds, runs each side alone: ours with the reference stopped, then a fresh reference', async () => {
    const log: string[] = [];
    let fresh: (Measurer & { stopped: boolean }) | undefined;
    const first = fakeReference([{ 'a@1': 4 }, { 'a@1': 4 }, { 'a@1': 4 }], log);
    const restartable: Measurer = {
      measure: () => first.measure(),
      stop: () => { log.push('stop'); first.stop(); },
      restart: async () => { log.push('restart'); fresh = fakeReference([{ 'a@1': 9 }, { 'a@1': 2 }, { 'a@1': 3 }], log); return fresh; },
    };
    let r = 0;
    const ours = [{ a: 10 }, { a: 10 }, { a: 10 }, { a: 5 }, { a: 5 }];
    const result = await interleave(2, () => { log.push(`ours ${r}`); return ours[r++]; }, restartable, undefined, 1);
    // one warm-up round, two timed; the interleaved reference stops before ours runs alone; the fresh one warms up too
    expect(log).toEqual(['ours 0', 'reference 0', 'ours 1', 'reference 1', 'ours 2', 'reference 2', 'stop', 'ours 3', 'ours 4', 'restart', 'reference 0', 'reference 1', 'reference 2']);
    expect(fresh!.stopped).toBe(true);
    expect(result.a.ratio).toBe(0.4);
    expect(result.a.alone).toEqual({ ours: 5, reference: 2.5, ratio: 0.5, setting: '1' });
    expect(formatAlone(result.a)).toBe('alone 5000.0 ms / 2500.0 ms (1 thread) = 0.500');
    expect(formatAlone({ ours: 1 })).toBe('');
    const unasked = { ...fakeReference([{ a: 1 }], []), restart: async (): Promise<Measurer> => { throw new Error('restarted though not asked'); } };
    const without = await interleave(1, () => ({ a: 1 }), unasked, undefined, 0, false);
    expect(without.a.alone).toBeUndefined();
  });
});
