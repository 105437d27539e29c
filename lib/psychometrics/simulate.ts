// Simulated 2AFC experiments: choice counts drawn from a psychometric function with explicit keys.
import { checkInt } from '../core/errors';
import { Key } from '../core/random';
import { ChoiceCounts, Core, PsychometricParams, checkParams, psychometric } from './functions';

/** `trialsPerLevel` Bernoulli choices at each stimulus level. */
export function simulateChoices(key: Key, core: Core, params: PsychometricParams, levels: number[], trialsPerLevel: number): ChoiceCounts[] {
  checkParams(params);
  checkInt('trialsPerLevel', trialsPerLevel, 1);
  return levels.map((s, i) => {
    const p = psychometric(core, params, s);
    const u = key.foldIn(i).uniforms(trialsPerLevel);
    let right = 0;
    for (const v of u) if (v < p) right++;
    return { stimulus: s, right, total: trialsPerLevel };
  });
}
