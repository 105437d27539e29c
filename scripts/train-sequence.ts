// Trains the sequence lecture's models longer than the notebook can and writes each one's weights
// with its record (settings, time, loss curve, test bounds) to data/sequence/<experiment>/<run>/.
//   state-space: predictive coding, VRNN and the smoother on the linear-Gaussian sequences, their
//                ELBO and importance-weighted bound on the test sequences beside the exact (Kalman)
//                log-likelihood;
//                Each design from three initialisations (--inits);
//   phonemes:    predictive coding without and with the practice error (weights 0.1, 1 and 0.01), and the VRNN;
//   delta:       the delta VAE on the phonemes with AR(1) priors of alpha 0, 0.5 and 0.9.
// Usage: npm run train:sequence -- --experiment state-space|phonemes|delta [--only run,run] [--steps 4000] [--out data/sequence]
import { initBackend } from '../lib/core/backend';
import * as tf from '../lib/core/tf';
import { Key } from '../lib/core/random';
import { blockMeans } from '../lib/core/stats';
import {
  DESIGNS, Design, DesignConfig, STATE_SPACE_SETUP, PHONEME_SETUP, buildDesign, designFolder, kalmanFilter, lecturePhonemes, lectureStateSpace, saveDesign,
  sequenceElbo, sequenceIwae, trainSequenceModel,
} from '../lib/sequence';
import { parseArgs } from './args';

interface Run { name: string; config: DesignConfig; practice: number; init: number }

async function main() {
  const args = parseArgs({ only: 'all', experiment: 'state-space', steps: '4000', inits: '3', out: 'data/sequence', seed: '1', lr: '3e-3', batch: '32', particles: '100' });
  const backend = await initBackend();
  const steps = Number(args.steps);
  const shape = { width: 32, hidden: [32], likelihood: 'gaussian' as const };
  let runs: Run[];
  let train: number[][][];
  let test: number[][][];
  let exact: number | undefined;
  if (args.experiment === 'state-space') {
    const s = lectureStateSpace();
    [train, test] = [s.train, s.test];
    exact = test.reduce((a, x) => a + kalmanFilter(s.model, x).logLikelihood, 0) / (test.length * STATE_SPACE_SETUP.steps);
    runs = DESIGNS.flatMap((design) => Array.from({ length: Number(args.inits) }, (_, init) => ({
      name: `${designFolder(design)}-${init + 1}`, practice: 0, init, config: { design, data: STATE_SPACE_SETUP.observed, latent: STATE_SPACE_SETUP.angles.length * 2, ...shape },
    })));
  } else if (args.experiment === 'phonemes') {
    const p = lecturePhonemes();
    [train, test] = [p.train.x, p.test.x];
    const config = (design: Design): DesignConfig => ({ design, data: PHONEME_SETUP.dims, latent: 4, ...shape });
    runs = [
      { name: 'predictive-coding', config: config('predictive coding'), practice: 0, init: 0 },
      { name: 'predictive-coding-practice-0.1', config: config('predictive coding'), practice: 0.1, init: 0 },
      { name: 'predictive-coding-practice-1', config: config('predictive coding'), practice: 1, init: 0 },
      { name: 'vrnn', config: config('VRNN'), practice: 0, init: 0 },
      { name: 'predictive-coding-practice-0.01', config: config('predictive coding'), practice: 0.01, init: 0 },
      // second initialisations of the two that differ most in what their codes carry
      { name: 'predictive-coding-init-2', config: config('predictive coding'), practice: 0, init: 1 },
      { name: 'predictive-coding-practice-0.01-init-2', config: config('predictive coding'), practice: 0.01, init: 1 },
    ];
  } else if (args.experiment === 'delta') {
    const p = lecturePhonemes();
    [train, test] = [p.train.x, p.test.x];
    runs = [0, 0.5, 0.9].map((alpha) => ({
      name: `alpha-${alpha}`, practice: 0, init: 0, config: { design: 'delta VAE', data: PHONEME_SETUP.dims, latent: 4, alpha, ...shape },
    }));
  } else {
    throw new Error(`unknown --experiment ${args.experiment}; use state-space, phonemes or delta`);
  }
  const [data, held] = [tf.tensor3d(train), tf.tensor3d(test)];
  const perStep = (v: tf.Tensor1D) => v.mean().dataSync()[0] / test[0].length;
  for (const [i, run] of runs.entries()) {
    // a run's keys come from its place in the full list, so --only repeats it exactly
    if (args.only !== 'all' && !args.only.split(',').includes(run.name)) continue;
        const [kInit, kTrain, kTest] = Key.fromSeed(Number(args.seed)).foldIn(i).split(3);
    const model = buildDesign(run.config, kInit);
    // the rate (KL) and the bound on 100 test sequences along training, every 200 steps
    const probe = held.slice([0, 0, 0], [100, -1, -1]) as tf.Tensor3D;
    const along: { step: number; klPerSequence: number; elboPerStep: number }[] = [];
    const look = (step: number) => tf.tidy(() => {
      const t = model.terms(probe, kTest.foldIn(step));
      const kl = tf.sum(t.kl!, 1).mean().dataSync()[0];
      along.push({ step, klPerSequence: +kl.toFixed(4), elboPerStep: +((tf.sum(t.logLikelihood, 1).mean().dataSync()[0] - kl) / test[0].length).toFixed(4) });
    });
    look(0);
    const result = await trainSequenceModel(model, data, kTrain, {
      onStep: (step) => { if ((step + 1) % 200 === 0) look(step + 1); },
      steps, batchSize: Number(args.batch), learningRate: Number(args.lr), practice: run.practice, label: `${run.name} (${i + 1}/${runs.length})`, progress: 'lines',
    });
    const elbo = tf.tidy(() => perStep(sequenceElbo(model, held, kTest)));
    const iwae = tf.tidy(() => perStep(sequenceIwae(model, held, Number(args.particles), kTest)));
    const practiceError = model.practiceError ? tf.tidy(() => tf.mean(model.practiceError!(test.length, test[0].length, kTest)).dataSync()[0]) : undefined;
    saveDesign(`${args.out}/${args.experiment}/${run.name}`, run.config, model, {
      experiment: `sequence-${args.experiment}`,
      script: 'scripts/train-sequence.ts',
      command: `npm run train:sequence -- ${process.argv.slice(2).join(' ')}`.trim(),
      init: run.init + 1, backend, steps, batchSize: Number(args.batch), learningRate: Number(args.lr), practice: run.practice, seed: Number(args.seed),
      seconds: result.seconds,
      along,
      lossBlocks: { every: 50, means: blockMeans(result.losses, 50).map((v) => +v.toFixed(4)) },
      test: { sequences: test.length, elboPerStep: elbo, iwaePerStep: iwae, particles: Number(args.particles), exactPerStep: exact, practiceError },
    });
    console.log(`[sequence] ${run.name}: test ELBO ${elbo.toFixed(4)}, IW(${args.particles}) ${iwae.toFixed(4)} nats per step` +
      (exact === undefined ? '' : ` (exact ${exact.toFixed(4)})`) + `, ${result.seconds.toFixed(0)} s`);
    model.dispose();
    probe.dispose();
  }
  tf.dispose([data, held]);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
