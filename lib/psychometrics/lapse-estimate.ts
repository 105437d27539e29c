// The model-free lapse estimate: the error rate on the easiest trials of a condition, where sensory
// errors are rare, with its binomial standard error.
import { ParameterError } from '../core/errors';
import type { Trial } from './models';

export interface Rate { rate: number; stderr: number; trials: number }

/** Errors (Left when s > 0, Right when s < 0) on trials of `condition` with |s| >= `easiest`. */
export function easyErrorRate(trials: Trial[], condition: string, easiest: number): Rate {
  const easy = trials.filter((t) => t.condition === condition && Math.abs(t.stimulus) >= easiest);
  if (easy.length === 0) throw new ParameterError(`no trials of condition "${condition}" with |s| >= ${easiest}`, 'check the condition name and choose a level the design contains');
  const errors = easy.filter((t) => (t.stimulus > 0 ? t.choice === 0 : t.choice === 1)).length;
  const rate = errors / easy.length;
  return { rate, stderr: Math.sqrt(Math.max(rate * (1 - rate), 1 / easy.length) / easy.length), trials: easy.length };
}
