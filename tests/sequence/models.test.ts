// The sequence models: the predictive-coding gate (shut, q is the prior exactly; open, the error
// enters), the bounds in their order, and training that learns, leaks nothing and repeats itself.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key } from '../../lib/core/random';
import {
  PredictiveCodingModel, SequenceLatentModel, SmoothingModel, Vrnn, kalmanFilter, rotatingLatentModel, sampleStateSpace, sequenceElbo, sequenceIwae,
  trainSequenceModel,
} from '../../lib/sequence';

const lgssm = rotatingLatentModel({ angles: [0.4], decay: 0.95, observed: 6, noise: 0.3 }, Key.fromSeed(1));
const sample = sampleStateSpace(lgssm, 10, 256, Key.fromSeed(2));
const base = { data: 6, latent: 2, width: 16, hidden: [16], likelihood: 'gaussian' as const };
const makers: [string, (k: Key) => SequenceLatentModel][] = [
  ['predictive coding', (k) => new PredictiveCodingModel({ ...base, gate: 'learned' }, k)],
  ['VRNN', (k) => new Vrnn(base, k)],
  ['smoother', (k) => new SmoothingModel(base, k)],
];

describe('the predictive-coding gate', () => {
  it('shut, the recognition step is the prior exactly; open, the prediction error moves it', () => {
    const x = tf.tensor3d(sample.x.slice(0, 8));
    const shut = new PredictiveCodingModel({ ...base, gate: 'shut' }, Key.fromSeed(3));
    const t = shut.run(x, Key.fromSeed(4));
    const w = shut.run(x, Key.fromSeed(4), true);
    expect(Array.from(t.kl!.dataSync()).every((v) => v === 0)).toBe(true);
    expect(Array.from(w.logRatio!.dataSync()).every((v) => v === 0)).toBe(true);
    const open = new PredictiveCodingModel({ ...base, gate: 'open' }, Key.fromSeed(3));
    const o = open.run(x, Key.fromSeed(4));
    expect(Math.min(...o.kl!.dataSync())).toBeGreaterThan(0);
    // the same circuit and the same draws: only the error separates the two passes
    const moved = tf.tidy(() => open.run(tf.mul(x, 2) as tf.Tensor3D, Key.fromSeed(4)).kl!.sub(o.kl!).abs().max().dataSync()[0]);
    expect(moved).toBeGreaterThan(1e-3);
    expect(o.errors.shape).toEqual([8, 10, 2]);
    // the trace: the gate's opening per step, and q's means that the shut gate leaves at the predictions
    expect(Array.from(o.gates.dataSync()).every((g) => g === 1)).toBe(true);
    expect(Array.from(t.gates.dataSync()).every((g) => g === 0)).toBe(true);
    expect(Array.from(t.means.dataSync())).toEqual(Array.from(t.predictions.dataSync()));
    tf.dispose([x, ...[t, w, o].flatMap((r) => Object.values(r).filter(Boolean) as tf.Tensor[])]);
    [shut, open].forEach((m) => m.dispose());
    expect(() => new PredictiveCodingModel({ ...base, gate: 'ajar' as never }, Key.fromSeed(3))).toThrow(/gate 'ajar'/);
  });
});

describe.each(makers)('%s', (_name, make) => {
  it('the ELBO lies below the importance-weighted bound, which rises with the particles', () => {
    const model = make(Key.fromSeed(5));
    const x = tf.tensor3d(sample.x.slice(0, 64));
    const average = (f: (k: Key) => tf.Tensor1D) => tf.tidy(() => tf.mean(tf.stack([0, 1, 2, 3].map((r) => f(Key.fromSeed(10 + r))))).dataSync()[0]);
    const elbo = average((k) => sequenceElbo(model, x, k));
    const iwae5 = average((k) => sequenceIwae(model, x, 5, k));
    const iwae50 = average((k) => sequenceIwae(model, x, 50, k));
    expect(elbo).toBeLessThan(iwae5);
    expect(iwae5).toBeLessThan(iwae50);
    const tensors = tf.memory().numTensors;
    const means = model.recognitionMeans(x, Key.fromSeed(1));
    expect(means.shape).toEqual([64, 10, 2]);
    means.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(() => sequenceIwae(model, x, 0, Key.fromSeed(1))).toThrow(/particles = 0/);
    expect(() => sequenceElbo(model, tf.zeros([2, 3, 5]) as tf.Tensor3D, Key.fromSeed(1))).toThrow(/\[2, 3, 5\] do not fit a model of 6-dimensional/);
    x.dispose();
    model.dispose();
  });

  it('learns the linear-Gaussian sequences, leaks no tensors, and repeats itself under the same key', async () => {
    const data = tf.tensor3d(sample.x);
    const runs: number[][] = [];
    // a second, shorter run from the same keys: step i's batch and draws depend on i alone
    for (const steps of [120, 15]) {
      const model = make(Key.fromSeed(6));
      await trainSequenceModel(model, data, Key.fromSeed(7), { steps: 3, batchSize: 32, learningRate: 1e-2, progress: 'off' });
      const before = tf.memory().numTensors;
      const r = await trainSequenceModel(model, data, Key.fromSeed(8), { steps, batchSize: 32, learningRate: 1e-2, progress: 'off' });
      expect(tf.memory().numTensors).toBe(before);
      runs.push(r.losses);
      model.dispose();
    }
    expect(runs[1]).toEqual(runs[0].slice(0, 15));
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(runs[0].slice(-20))).toBeLessThan(mean(runs[0].slice(0, 10)) - 0.3);
    // and it is still a bound: no better than the exact log-likelihood per step
    const exact = sample.x.reduce((s, seq) => s + kalmanFilter(lgssm, seq).logLikelihood, 0) / (sample.x.length * 10);
    expect(-mean(runs[0].slice(-20))).toBeLessThan(exact + 0.1);
    data.dispose();
  }, 60_000);
});

describe('the practice error', () => {
  it('scores the perception of the circuit\'s own intentions, trains the perceiving only, and needs a model that has it', async () => {
    const model = new PredictiveCodingModel({ ...base, gate: 'open' }, Key.fromSeed(20));
    const e = model.practiceError(16, 10, Key.fromSeed(21));
    expect(e.shape).toEqual([16, 10]);
    expect(Array.from(e.dataSync()).every(Number.isFinite)).toBe(true);
    // intention and utterance are held fixed: no gradient reaches the emission's network
    const { grads } = tf.variableGrads(() => tf.mean(model.practiceError(16, 10, Key.fromSeed(21))) as tf.Scalar, model.variables);
    const norm = (name: string) => tf.tidy(() => Object.entries(grads).filter(([n]) => n.includes(name)).reduce((s, [, g]) => s + tf.sum(tf.square(g)).dataSync()[0], 0));
    expect(norm('/emission/')).toBe(0);
    expect(norm('/sense/')).toBeGreaterThan(0);
    tf.dispose([e, ...Object.values(grads)]);
    // training lowers it
    const before = tf.tidy(() => tf.mean(model.practiceError(256, 10, Key.fromSeed(22))).dataSync()[0]);
    const data = tf.tensor3d(sample.x);
    await trainSequenceModel(model, data, Key.fromSeed(23), { steps: 150, batchSize: 32, learningRate: 1e-2, practice: 1, progress: 'off' });
    const after = tf.tidy(() => tf.mean(model.practiceError(256, 10, Key.fromSeed(22))).dataSync()[0]);
    expect(after).toBeLessThan(before - 0.5);
    const vrnn = new Vrnn(base, Key.fromSeed(24));
    await expect(trainSequenceModel(vrnn, data, Key.fromSeed(23), { steps: 1, batchSize: 32, learningRate: 1e-2, practice: 1, progress: 'off' })).rejects.toThrow(/no practice error/);
    await expect(trainSequenceModel(model, data, Key.fromSeed(23), { steps: 1, batchSize: 32, learningRate: 1e-2, practice: -1, progress: 'off' })).rejects.toThrow(/practice = -1/);
    [model, vrnn].forEach((m) => m.dispose());
    data.dispose();
  }, 60_000);
});
