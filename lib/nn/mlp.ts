// A multilayer perceptron built from fast dense layers.
import * as tf from '../core/tf';
import { ParameterError, checkInt } from '../core/errors';
import { Key } from '../core/random';
import { ACTIVATIONS, Activation, Dense } from './dense';

export interface MlpConfig {
  /** Layer widths from input to output, e.g. [784, 400, 40]. */
  sizes: number[];
  /** Activation of the hidden layers. */
  hidden: Activation;
  /** Activation of the output layer. */
  output: Activation;
}

export class Mlp {
  readonly layers: Dense[];

  constructor(readonly config: MlpConfig, key: Key, name = 'mlp') {
    if (config.sizes.length < 2) throw new ParameterError(`an MLP needs at least two sizes, got [${config.sizes}]`, 'pass sizes [input, ..., output]');
    // everything is checked before the first layer makes its variables, so a refused MLP leaves none
    config.sizes.forEach((n, i) => checkInt(`sizes[${i}]`, n, 1));
    for (const a of [config.hidden, config.output]) {
      if (!ACTIVATIONS.includes(a)) throw new ParameterError(`activation '${a}' is not one of ${ACTIVATIONS.join(', ')}`, 'pick one of those');
    }
    const keys = key.split(config.sizes.length - 1);
    this.layers = keys.map((k, i) => new Dense(config.sizes[i], config.sizes[i + 1],
      i === keys.length - 1 ? config.output : config.hidden, k, `${name}/${i}`));
  }

  /** x: [batch, sizes[0]] -> [batch, sizes[last]]. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.layers.reduce((h, layer) => layer.apply(h), x));
  }

  get variables(): tf.Variable[] {
    return this.layers.flatMap((l) => l.variables);
  }

  namedVariables(): [string, tf.Variable][] {
    return this.layers.flatMap((l) => l.namedVariables());
  }

  dispose(): void {
    this.layers.forEach((l) => l.dispose());
  }
}
