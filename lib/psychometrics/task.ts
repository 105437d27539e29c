// The task design of the lapse lecture: a signed stimulus in [-1, 1], neutral (auditory only) and
// matched multisensory trials, and blocks with the right-side reward raised or lowered.
import type { Condition } from './models';

export const LAPSE_LEVELS = [-1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1];

export const LAPSE_CONDITIONS: Condition[] = [
  { name: 'neutral', cues: 'neutral', rewardLeft: 1, rewardRight: 1 },
  { name: 'matched', cues: 'matched', rewardLeft: 1, rewardRight: 1 },
  { name: 'right-raised', cues: 'neutral', rewardLeft: 1, rewardRight: 2 },
  { name: 'right-lowered', cues: 'neutral', rewardLeft: 1, rewardRight: 0.5 },
];

// The multisensory experiment of the lapse lecture's second part: equal rewards, neutral and matched
// trials, and stimuli out to +-2, where sensory errors are rare (Phi(-2 / 0.6) = 0.04% on neutral
// trials with the lecture's auditory noise) and the errors left are lapses.
export const MULTISENSORY_LEVELS = [-2, -1, -0.6, -0.3, 0, 0.3, 0.6, 1, 2];

export const MULTISENSORY_CONDITIONS: Condition[] = LAPSE_CONDITIONS.filter((c) => c.name === 'neutral' || c.name === 'matched');
