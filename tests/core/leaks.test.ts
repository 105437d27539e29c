// The leak guard applied where leaks hid: helper constructors of distributions, bijections whose
// constant tensors outlived them, and constructors refused halfway after making variables.
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key } from '../../lib/core/random';
import { ParameterError } from '../../lib/core/errors';
import { Categorical, Normal } from '../../lib/distributions';
import { AffineCoupling, Flow, imageFlow } from '../../lib/flows';
import { Mlp } from '../../lib/nn';
import { Vae } from '../../lib/vae';
import { VqVae } from '../../lib/vq';
import { expectNoLeak, expectThrowsWithoutLeak } from '../helpers';

describe('no leaks', () => {
  const key = Key.fromSeed(1);

  it('Normal.fromLogVar and Categorical.fromProbs make only the tensors the distribution holds', async () => {
    const loc = tf.zeros([3, 2]);
    const logVar = tf.fill([3, 2], -1);
    const probs = tf.tensor2d([[0.2, 0.8], [0.5, 0.5]]);
    const n = await expectNoLeak(() => Normal.fromLogVar(loc, logVar), 1); // its scale
    expect(n.scale.dataSync()[0]).toBeCloseTo(Math.exp(-0.5), 6);
    const c = await expectNoLeak(() => Categorical.fromProbs(probs), 1); // its logits
    tf.dispose([n.scale, c.logits]);
    const unnormalised = tf.tensor2d([[0.2, 0.9]]);
    expectThrowsWithoutLeak(() => Categorical.fromProbs(unnormalised), /sum to 1.1/);
    tf.dispose([loc, logVar, probs, unnormalised]);
  });

  it('a coupling layer holds only its network, and a flow frees it', async () => {
    const x = tf.randomNormal([4, 2], 0, 1, 'float32', 3) as tf.Tensor2D;
    const flow = await expectNoLeak(() => new Flow(AffineCoupling([1, 0], [8], key)), 4); // two dense layers
    await expectNoLeak(() => {
      const { value, logDet } = flow.toBase.forward(x);
      tf.dispose([value, logDet]);
    });
    await expectNoLeak(() => flow.dispose(), -4);
    x.dispose();
  });

  it('constructors refused halfway leave no variables behind', () => {
    expectThrowsWithoutLeak(() => new Mlp({ sizes: [3, 4, 0], hidden: 'relu', output: 'linear' }, key), /sizes\[2\]/);
    expectThrowsWithoutLeak(() => new Mlp({ sizes: [3, 4, 2], hidden: 'relu', output: 'gelu' as never }, key), /'gelu'/);
    expectThrowsWithoutLeak(() => new Vae({ hidden: [64, -1] }, key), /hidden\[1\]/);
    expectThrowsWithoutLeak(() => new Vae({ activation: 'gelu' as never }, key), ParameterError);
    expectThrowsWithoutLeak(() => new VqVae({ dataDim: 16, hidden: [8], codebookSize: 0 }, key), /codebookSize/);
    expectThrowsWithoutLeak(() => new VqVae({ dataDim: 16, hidden: [8], commitment: -1 }, key), /commitment/);
    expectThrowsWithoutLeak(() => imageFlow({ side: 4, couplings: 3, hidden: 8, lambda: 0.7 }, key), /lambda/);
  });
});
