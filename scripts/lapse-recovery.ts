// Writes data/lapses/recovery.json: the model-recovery study of lecture 17 with many rats per policy.
// Usage: npm run lapses:recovery -- [--rats 100 --seed 17 --out data/lapses/recovery.json]
import * as fs from 'fs';
import * as path from 'path';
import { Key } from '../lib/core/random';
import { MULTISENSORY_CONDITIONS, MULTISENSORY_LEVELS, RECOVERY_EXPERIMENT, RecoveryDesign, recoveryCounts, runRecoveryStudy } from '../lib/psychometrics';
import { parseArgs } from './args';

async function main(): Promise<void> {
  const args = parseArgs({ rats: '100', seed: '17', out: 'data/lapses/recovery.json' });
  // the design of lecture 17, section 3
  const design: RecoveryDesign = {
    policies: [{ kind: 'thompson', kappa: 1 }, { kind: 'exploration', beta: Math.log(9) }, { kind: 'inattention', pAttend: 0.8, pBias: 0.5 }],
    candidates: [{ kind: 'thompson', starts: 3 }, { kind: 'exploration', starts: 3 }, { kind: 'inattention', starts: 3 }],
    noise: { auditory: 0.6, visual: 0.7 },
    conditions: MULTISENSORY_CONDITIONS,
    levels: MULTISENSORY_LEVELS,
    trialsPerLevel: 500,
    ratsPerPolicy: Number(args.rats),
    easiest: 2,
  };
  const total = design.policies.length * design.ratsPerPolicy;
  const t0 = Date.now();
  const rows = await runRecoveryStudy(Key.fromSeed(Number(args.seed)), design, (done) => {
    if (done % 10 === 0 || done === total) process.stdout.write(`\r[recovery] ${done}/${total} rats, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  });
  process.stdout.write('\n');
  const seconds = (Date.now() - t0) / 1000;
  const command = `npm run lapses:recovery -- ${process.argv.slice(2).join(' ')}`.trim();
  fs.mkdirSync(path.dirname(args.out), { recursive: true });
  fs.writeFileSync(args.out, JSON.stringify({ experiment: RECOVERY_EXPERIMENT, script: 'scripts/lapse-recovery.ts', command, seed: Number(args.seed), design, seconds, rows }) + '\n');
  console.log(JSON.stringify(recoveryCounts(rows)));
  console.log(`wrote ${rows.length} rats to ${args.out} in ${seconds.toFixed(0)} s`);
}

main().catch((e) => { console.error(e); process.exit(1); });
