// Claims print the value and bound they checked, and a failed claim names value, bound, seed, backend.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { claim, ClaimError, formatValue, noteSeed } from '../../lib/core/claims';

afterEach(() => vi.restoreAllMocks());

function printed(f: () => void): string[] {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((s: string) => {
    lines.push(s);
  });
  f();
  return lines;
}

describe('claim', () => {
  it('prints a verified statement and throws a ClaimError naming a failed one', () => {
    expect(printed(() => claim(true, 'one is one'))).toEqual(['✓ one is one']);
    expect(() => claim(false, 'two is three')).toThrow(ClaimError);
    expect(() => claim(false, 'two is three')).toThrow(/claim failed: two is three/);
  });

  it('below, above and within print the value and the bound', () => {
    expect(printed(() => claim.below(92.8412, 95, 'test negative ELBO', 'nats'))).toEqual([
      '✓ test negative ELBO 92.84 nats < 95',
    ]);
    expect(printed(() => claim.above(0.31, 0.1, 'accuracy'))).toEqual(['✓ accuracy 0.31 > 0.1']);
    expect(printed(() => claim.within(1.173, 1.2, 0.05, 'excess', 'nats'))).toEqual([
      '✓ excess 1.173 nats is within 0.05 of 1.2',
    ]);
  });

  it('a failed form names the value, the bound, the seed and the backend', () => {
    noteSeed(31);
    expect(() => claim.below(96, 95, 'test negative ELBO', 'nats')).toThrow(
      /test negative ELBO 96 nats is not below 95 \(SEED = 31, backend \w+\)/,
    );
    expect(() => claim.above(0.05, 0.1, 'accuracy')).toThrow(/accuracy 0.05 is not above 0.1/);
    expect(() => claim.within(1.3, 1.2, 0.05, 'excess')).toThrow(
      /excess 1.3 is 0.1 from 1.2, more than 0.05/,
    );
  });

  it('NaN fails every form rather than slipping through a comparison', () => {
    expect(() => claim.below(NaN, 1, 'x')).toThrow(ClaimError);
    expect(() => claim.above(NaN, 1, 'x')).toThrow(ClaimError);
    expect(() => claim.within(NaN, 1, 1, 'x')).toThrow(ClaimError);
  });

  it('with VI_CLAIMS=continue a failed claim is printed with a cross and the notebook goes on', () => {
    vi.stubEnv('VI_CLAIMS', 'continue');
    noteSeed(5);
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((s: string) => {
      errors.push(s);
    });
    const held = printed(() => {
      claim.above(0.22, 0.25, 'cue weight');
      claim.below(NaN, 1, 'x');
      claim(false, 'two is three');
      claim.within(1.3, 1.2, 0.05, 'excess');
      claim.above(0.3, 0.25, 'cue weight');
    });
    expect(held).toEqual(['✓ cue weight 0.3 > 0.25']);
    expect(errors).toHaveLength(4);
    expect(errors[0]).toMatch(/^✗ claim failed: cue weight 0.22 is not above 0.25 \(SEED = 5, backend \w+\)$/);
    expect(errors[3]).toMatch(/^✗ claim failed: excess 1.3 is 0.1 from 1.2, more than 0.05/);
    vi.stubEnv('VI_CLAIMS', 'stop');
    expect(() => claim(false, 'two is three')).toThrow(ClaimError);
    vi.stubEnv('VI_CLAIMS', 'later');
    expect(() => claim(false, 'two is three')).toThrow(/VI_CLAIMS is 'later'/);
    vi.unstubAllEnvs();
  });

  it('formats values to four significant digits, small and large ones in exponent form', () => {
    expect(formatValue(92.84123)).toBe('92.84');
    expect(formatValue(0.000123)).toBe('1.23e-4');
    expect(formatValue(2.5e7)).toBe('2.50e+7');
    expect(formatValue(0)).toBe('0');
  });
});
