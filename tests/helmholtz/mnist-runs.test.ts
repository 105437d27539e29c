// The shipped-MNIST plumbing of the Helmholtz lecture: output biases start at the data's marginals,
// a saved run loads back into a model that scores exactly as the one saved, row-blocked scoring is
// the learner's own, active units are counted, and missing or mismatched files are refused by name.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key } from '../../lib/core/random';
import { DataError, ShapeError } from '../../lib/core/errors';
import { ImageSet } from '../../lib/data';
import { saveWeights } from '../../lib/nn/weights';
import { Vae } from '../../lib/vae/vae';
import {
  MNIST_ANCHORS,
  SigmoidBeliefNet,
  burdaStage,
  helmholtzLearner,
  loadMnistRun,
  logMarginalByRows,
  marginalLogits,
  mnistActiveUnits,
  setOutputBias,
  vaeLearner,
} from '../../lib/helmholtz';
import { expectNoLeak } from '../helpers';

const tiny: ImageSet = { pixels: Uint8Array.from([0, 255, 255, 0, 255, 255, 0, 0]), labels: Uint8Array.from([0, 1]), n: 2, rows: 2, cols: 2 };

function record(method: string, sizes: number[], particles: number) {
  return { learner: method, method, sizes, particles, epochs: 0, steps: 0, batch: 1, learningRate: 1e-3, seconds: 0, curve: { images: 0, particles: 0, points: [] }, test: { images: 0, particles: 0, meanLogP: 0, perImage: [], seconds: 0 }, command: 'test' };
}

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'hm-run-'));
}

const x = () => tf.tensor2d([[1, 0, 1, 1, 0, 0], [0, 0, 1, 0, 1, 1], [1, 1, 1, 0, 0, 0]]);

describe('marginal output biases', () => {
  it('are the logits of the Laplace-smoothed pixel means', () => {
    // pixel sums 1, 2, 1, 0 over two images: smoothed (s + 1) / (n + 2) = 1/2, 3/4, 1/2, 1/4
    const logits = marginalLogits(tiny);
    const expected = [0.5, 0.75, 0.5, 0.25].map((p) => Math.log(p / (1 - p)));
    expected.forEach((v, i) => expect(logits[i]).toBeCloseTo(v, 6));
  });

  it('go into the output layer, and a wrong length is refused', () => {
    const sbn = new SigmoidBeliefNet([4, 2], Key.fromSeed(1));
    setOutputBias(sbn.generative[0], marginalLogits(tiny));
    expect(Array.from(sbn.generative[0].bias.dataSync())).toEqual(Array.from(marginalLogits(tiny)));
    expect(() => setOutputBias(sbn.generative[0], new Float32Array(3))).toThrow(ShapeError);
    sbn.dispose();
  });
});

describe('shipped runs', () => {
  it('an SBN saved and loaded scores exactly as before', () => {
    const dir = tmpDir();
    const sbn = new SigmoidBeliefNet([6, 4, 3], Key.fromSeed(2));
    saveWeights(dir, sbn.namedVariables(), record('rws', [6, 4, 3], 5));
    const before = helmholtzLearner(sbn, 'rws', Key.fromSeed(3)).logMarginal(Key.fromSeed(4), x(), 50);
    const run = loadMnistRun(dir);
    expect(run.kind).toBe('sbn');
    expect(Array.from(run.learner.logMarginal(Key.fromSeed(4), x(), 50))).toEqual(Array.from(before));
    run.learner.dispose();
    sbn.dispose();
  });

  it('a VAE saved and loaded scores exactly as before', () => {
    const dir = tmpDir();
    const vae = new Vae({ dataDim: 6, hidden: [5], latentDim: 2, activation: 'tanh' }, Key.fromSeed(5));
    saveWeights(dir, vae.namedVariables(), record('vae', [6, 5, 2], 5));
    const before = vaeLearner(vae, 5).logMarginal(Key.fromSeed(6), x(), 30);
    const run = loadMnistRun(dir);
    expect(run.kind).toBe('vae');
    expect(run.learner.name).toBe('IWAE K=5');
    expect(Array.from(run.learner.logMarginal(Key.fromSeed(6), x(), 30))).toEqual(Array.from(before));
    run.learner.dispose();
    vae.dispose();
  });

  it('a missing folder, a file without a record, or weights of another shape are refused', () => {
    expect(() => loadMnistRun(path.join(tmpDir(), 'nothing'))).toThrow(/no shipped model/);
    const bare = tmpDir();
    const sbn = new SigmoidBeliefNet([6, 4], Key.fromSeed(7));
    saveWeights(bare, sbn.namedVariables(), { note: 'no record' });
    expect(() => loadMnistRun(bare)).toThrow(/no run record/);
    const other = tmpDir();
    saveWeights(other, sbn.namedVariables(), record('rws', [6, 5], 5));
    const held = tf.memory().numTensors;
    expect(() => loadMnistRun(other)).toThrow(DataError);
    expect(tf.memory().numTensors).toBe(held);
    sbn.dispose();
  });
});

describe('scoring and active units', () => {
  it('row blocks reproduce the learner on each block, leak-free', async () => {
    const sbn = new SigmoidBeliefNet([6, 4, 3], Key.fromSeed(8));
    const learner = helmholtzLearner(sbn, 'wake-sleep', Key.fromSeed(9));
    const data = x();
    const key = Key.fromSeed(10);
    const blocked = await expectNoLeak(() => logMarginalByRows(learner, key, data, 40, 2));
    const first = learner.logMarginal(key.foldIn(0), tf.slice(data, [0, 0], [2, -1]) as tf.Tensor2D, 40);
    const last = learner.logMarginal(key.foldIn(1), tf.slice(data, [2, 0], [1, -1]) as tf.Tensor2D, 40);
    expect(Array.from(blocked)).toEqual([...first, ...last]);
    learner.dispose();
  });

  it('a recognition network that ignores x has no active unit; one that copies x has them all', () => {
    const sbn = new SigmoidBeliefNet([6, 3], Key.fromSeed(11));
    const dir = tmpDir();
    const zero = tf.zeros([6, 3]);
    sbn.recognition[0].weight.assign(zero);
    saveWeights(dir, sbn.namedVariables(), record('wake-sleep', [6, 3], 1));
    const run = loadMnistRun(dir);
    expect(mnistActiveUnits(run, x())).toEqual({ count: 0, of: 3 });
    const copy = tf.tensor2d([[8, 0, 0], [0, 8, 0], [0, 0, 0], [0, 0, 0], [0, 0, 8], [0, 0, 0]]); // pixels 0, 1, 4 vary
    run.sbn.recognition[0].weight.assign(copy);
    expect(mnistActiveUnits(run, x())).toEqual({ count: 3, of: 3 });
    tf.dispose([zero, copy]);
    run.learner.dispose();
    sbn.dispose();
  });
});

describe("Burda et al.'s schedule", () => {
  it('has eight stages of 3^i epochs, 3,280 in all, the learning rate falling tenfold over seven', () => {
    const stages = Array.from({ length: 8 }, (_, i) => burdaStage(i));
    expect(stages.reduce((s, st) => s + st.epochs, 0)).toBe(MNIST_ANCHORS.burda2016.epochs);
    expect(stages[0]).toEqual({ epochs: 1, learningRate: 1e-3 });
    expect(stages[7].learningRate).toBeCloseTo(1e-4, 12);
    expect(stages[4].epochs).toBe(81);
  });
  it('refuses a stage outside 0…7 by name', () => {
    expect(() => burdaStage(8)).toThrow(/stage.*0…7/);
    expect(() => burdaStage(1.5)).toThrow(/stage/);
  });
});
