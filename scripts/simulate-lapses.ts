// Writes data/lapses/trials.csv: one simulated rat in the lapse lecture's task design, choosing by
// softmax exploration. Usage: node dist/scripts/simulate-lapses.js [--seed 11 --trials 200]
import * as fs from 'fs';
import { Key } from '../lib/core/random';
import {
  LAPSE_CONDITIONS,
  LAPSE_LEVELS,
  formatTrialTable,
  simulateTrials,
} from '../lib/psychometrics';
import { parseArgs } from './args';

const args = parseArgs({ seed: '11', trials: '200', out: 'data/lapses' });
const model = { kind: 'exploration' as const, beta: 4 };
const noise = { auditory: 0.6, visual: 0.7 };
const trials = simulateTrials(
  Key.fromSeed(Number(args.seed)),
  model,
  noise,
  LAPSE_CONDITIONS,
  LAPSE_LEVELS,
  Number(args.trials),
);
fs.mkdirSync(args.out, { recursive: true });
fs.writeFileSync(`${args.out}/trials.csv`, formatTrialTable(trials));
fs.writeFileSync(
  `${args.out}/truth.json`,
  JSON.stringify(
    {
      script: 'scripts/simulate-lapses.ts',
      command: `node dist/scripts/simulate-lapses.js ${process.argv.slice(2).join(' ')}`.trim(),
      seed: Number(args.seed),
      trialsPerLevel: Number(args.trials),
      model,
      noise,
      conditions: LAPSE_CONDITIONS,
      levels: LAPSE_LEVELS,
    },
    null,
    1,
  ) + '\n',
);
console.log(`wrote ${trials.length} trials to ${args.out}/trials.csv`);
