import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '../../lib/core/tf';
import { Key, normal } from '../../lib/core/random';
import { ShapeError } from '../../lib/core/errors';
import { Dense, Mlp, affine, affinePlain, linear, loadWeights, saveWeights } from '../../lib/nn';
import { ENGINE, expectClose, expectNoLeak, values } from '../helpers';
import { heapMatMulCount } from '../../lib/engine/wasm-matmul';

// [batch, in, out]: narrower and wider than the batch
const SHAPES: [number, number, number][] = [[7, 5, 3], [3, 8, 7]];

/** x [batch, in], W [in, out], b [out] and an output weighting dy [batch, out], drawn from four keys of `seed`. */
function layerInputs(seed: number, batch: number, inputs: number, outputs: number) {
  const k = Key.fromSeed(seed).split(4);
  return {
    x: normal(k[0], [batch, inputs]) as tf.Tensor2D,
    w: normal(k[1], [inputs, outputs]) as tf.Tensor2D,
    b: normal(k[2], [outputs]) as tf.Tensor1D,
    dy: normal(k[3], [batch, outputs]),
  };
}

describe('affine with the fast-path gradient', () => {
  it.each(SHAPES)('has the same value and gradients as tfjs autodiff of the plain version (batch %i, %i -> %i)', async (batch, inputs, outputs) => {
    await expectNoLeak(() => tf.tidy(() => {
      const { x, w, b, dy } = layerInputs(1, batch, inputs, outputs);
      // a loss that weights each output differently, so every gradient entry is exercised
      const lossOf = (f: typeof affinePlain) => (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
        tf.sum(tf.mul(tf.tanh(f(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D)), dy));
      expectClose(values(affine(x, w, b)), values(affinePlain(x, w, b)), 1e-5, 1e-5);
      const fast = tf.grads(lossOf(affine))([x, w, b]);
      const plain = tf.grads(lossOf(affinePlain))([x, w, b]);
      fast.forEach((g, i) => expectClose(values(g), values(plain[i]), 1e-5, 1e-4));
    }));
  });
});

describe('affine with the ReLU inside the product', () => {
  it.each(SHAPES)('has the value and gradients of tfjs autodiff of relu(x W + b) (batch %i, %i -> %i)', async (batch, inputs, outputs) => {
    await expectNoLeak(() => tf.tidy(() => {
      const { x, w, b, dy } = layerInputs(5, batch, inputs, outputs);
      const fused = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(affine(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D, 'relu'), dy));
      const plain = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(tf.relu(affinePlain(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D)), dy));
      const y = values(affine(x, w, b, 'relu'));
      expect(y.some((v) => v === 0) && y.some((v) => v > 0)).toBe(true); // both sides of the kink are exercised
      expectClose(y, values(tf.relu(affinePlain(x, w, b))), 1e-5, 1e-5);
      const ours = tf.grads(fused)([x, w, b]);
      const theirs = tf.grads(plain)([x, w, b]);
      ours.forEach((g, i) => expectClose(values(g), values(theirs[i]), 1e-5, 1e-4));
    }));
  });

  it('is what a Dense layer with ReLU computes, as fast path and as plain autodiff', () => {
    const layer = new Dense(6, 5, 'relu', Key.fromSeed(8));
    tf.tidy(() => {
      const x = normal(Key.fromSeed(9), [4, 6]) as tf.Tensor2D;
      const fast = values(layer.apply(x));
      layer.fastGradient = false;
      expectClose(fast, values(layer.apply(x)), 1e-6, 1e-6);
      layer.fastGradient = true;
    });
    layer.dispose();
  });
});

describe('affine computes only the gradients that are asked for', () => {
  it.runIf(ENGINE)('multiplies out dy W^T only when x is differentiated (counted on our product kernel)', () => {
    tf.tidy(() => {
      const k = Key.fromSeed(3).split(3);
      const x = normal(k[0], [5, 4]) as tf.Tensor2D;
      const w = normal(k[1], [4, 3]) as tf.Tensor2D;
      const b = normal(k[2], [3]) as tf.Tensor1D;
      const products = (f: () => unknown) => { const before = heapMatMulCount.calls; f(); return heapMatMulCount.calls - before; };
      // forward, then x^T dy for W, then dy W^T for x
      expect(products(() => tf.grads((ww: tf.Tensor) => tf.sum(affine(x, ww as tf.Tensor2D, b)))([w]))).toBe(2);
      expect(products(() => tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(affine(xx as tf.Tensor2D, ww as tf.Tensor2D, b)))([x, w]))).toBe(3);
    });
  });
});

describe('linear (no bias) with the fast-path gradient', () => {
  it.each(SHAPES)('has the same value and gradients as tfjs autodiff of tf.matMul (batch %i, %i -> %i)', async (batch, inputs, outputs) => {
    await expectNoLeak(() => tf.tidy(() => {
      const k = Key.fromSeed(2).split(3);
      const x = normal(k[0], [batch, inputs]) as tf.Tensor2D;
      const w = normal(k[1], [inputs, outputs]) as tf.Tensor2D;
      const dy = normal(k[2], [batch, outputs]);
      const lossOf = (f: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor) => (xx: tf.Tensor, ww: tf.Tensor) =>
        tf.sum(tf.mul(tf.tanh(f(xx as tf.Tensor2D, ww as tf.Tensor2D)), dy));
      expectClose(values(linear(x, w)), values(tf.matMul(x, w)), 1e-5, 1e-5);
      const fast = tf.grads(lossOf(linear))([x, w]);
      const plain = tf.grads(lossOf((a, b) => tf.matMul(a, b)))([x, w]);
      fast.forEach((g, i) => expectClose(values(g), values(plain[i]), 1e-5, 1e-4));
    }));
  });
});

describe('Dense and Mlp', () => {
  it('check input shapes and keep the tensor count flat', async () => {
    const mlp = new Mlp({ sizes: [4, 8, 2], hidden: 'relu', output: 'linear' }, Key.fromSeed(0));
    expect(mlp.variables).toHaveLength(4);
    const x = tf.ones([3, 4]) as tf.Tensor2D;
    await expectNoLeak(() => {
      const y = mlp.apply(x);
      expect(y.shape).toEqual([3, 2]);
      y.dispose();
    });
    x.dispose();
    expect(() => mlp.apply(tf.ones([3, 5]) as tf.Tensor2D)).toThrow(ShapeError);
    expect(() => new Mlp({ sizes: [4], hidden: 'relu', output: 'linear' }, Key.fromSeed(0))).toThrow(/at least two sizes/);
    expect(() => new Dense(0, 3, 'relu', Key.fromSeed(0))).toThrow(/inputSize = 0/);
    mlp.dispose();
  });

  it('two layers built with the same name do not clash (re-run notebook cells)', () => {
    const a = new Dense(2, 2, 'relu', Key.fromSeed(0), 'same');
    const b = new Dense(2, 2, 'relu', Key.fromSeed(0), 'same');
    expect(values(a.weight)).toEqual(values(b.weight));
    a.dispose(); b.dispose();
  });

  it('weights round-trip through files, and mismatches are named', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'w-'));
    const a = new Mlp({ sizes: [3, 4, 2], hidden: 'tanh', output: 'linear' }, Key.fromSeed(1), 'net');
    const b = new Mlp({ sizes: [3, 4, 2], hidden: 'tanh', output: 'linear' }, Key.fromSeed(2), 'net');
    saveWeights(dir, a.namedVariables(), { note: 'test' });
    expect(loadWeights(dir, b.namedVariables())).toEqual({ note: 'test' });
    a.variables.forEach((v, i) => expect(values(b.variables[i])).toEqual(values(v)));
    const c = new Mlp({ sizes: [3, 5, 2], hidden: 'tanh', output: 'linear' }, Key.fromSeed(2), 'net');
    expect(() => loadWeights(dir, c.namedVariables())).toThrow(/saved with shape \[3,4\] but the model needs \[3,5\]/);
    expect(() => loadWeights(path.join(dir, 'nothing'), c.namedVariables())).toThrow(/no weights at/);
    [a, b, c].forEach((m) => m.dispose());
  });

  it('a damaged weights folder is refused by name: changed bytes, wrong size, NaN, cut manifest, missing binary', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'w-'));
    const a = new Mlp({ sizes: [3, 4, 2], hidden: 'tanh', output: 'linear' }, Key.fromSeed(1), 'net');
    saveWeights(dir, a.namedVariables(), { note: 'test' });
    const bin = path.join(dir, 'weights.bin'), json = path.join(dir, 'weights.json');
    const good = fs.readFileSync(bin), manifest = fs.readFileSync(json, 'utf8');
    const load = () => loadWeights(dir, a.namedVariables());
    const flipped = Buffer.from(good); flipped[5] ^= 0x10;
    fs.writeFileSync(bin, flipped);
    expect(load).toThrow(/does not match the CRC-32/);
    fs.writeFileSync(bin, Buffer.concat([good, Buffer.alloc(4)]));
    expect(load).toThrow(/has 108 bytes but its manifest describes 104/);
    fs.writeFileSync(bin, good.subarray(0, 100));
    expect(load).toThrow(/has 100 bytes/);
    // a NaN, with the checksum of the changed file (so that only the value check can catch it)
    const nan = Buffer.from(good); nan.writeFloatLE(NaN, 4 * 13);
    const { crc32 } = await import('../../lib/core/crc32');
    fs.writeFileSync(bin, nan);
    fs.writeFileSync(json, JSON.stringify({ ...JSON.parse(manifest), crc32: crc32(new Uint8Array(nan)) }));
    expect(load).toThrow(/holds NaN in net\/0\/bias/);
    fs.writeFileSync(json, manifest.slice(0, 40));
    expect(load).toThrow(/is not valid JSON/);
    fs.writeFileSync(json, manifest);
    fs.rmSync(bin);
    expect(load).toThrow(/has weights.json but no weights.bin/);
    a.dispose();
  });
});

describe('layer construction', () => {
  it('leaves no tensor behind once the layers are disposed (tf.variable would keep each initial value)', () => {
    const before = tf.memory().numTensors;
    const mlp = new Mlp({ sizes: [5, 7, 3], hidden: 'relu', output: 'linear' }, Key.fromSeed(1));
    expect(tf.memory().numTensors).toBe(before + 4);
    mlp.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
