// The output-interpretable VAE (Ainsworth, Foti, Lee and Fox 2018): a Gaussian encoder q(z|x) as in
// any VAE, and a decoder split by groups of the observation. Group g reads the code only through its
// own matrix W^(g) and has its own small generator f_g, so x^(g) ~ N(f_g(z W^(g)), diag σ_g²), or for
// binary images x^(g) ~ Bernoulli(logits f_g(z W^(g))). The
// group lasso on the rows of each W^(g) (group-lasso.ts) then decides which latents drive which
// groups. With `lambda` 0 the same network is a plain VAE with a grouped decoder of equal capacity.
import * as tf from '../core/tf';
import { ParameterError, ShapeError, checkInt, fmtShape } from '../core/errors';
import { Key, normal } from '../core/random';
import { Bernoulli, Normal, kl } from '../distributions';
import { checkBinary } from '../data/batches';
import type { ElboParts } from '../vae/vae';
import { logMeanExpOfChunks, logSumExp, repeatRows, variableFrom } from '../core/ops';
import { Mlp, linear, parameterCount, uniqueVariableName } from '../nn';
import { checkGroups } from './groups';
import { stackedLogLikelihood } from './stacked-groups';

export interface OiVaeConfig {
  /** Pixels of the flattened observation. */
  inputSize: number;
  /** Pixel indices of each group; they must partition 0..inputSize-1. */
  groups: number[][];
  latents: number;
  /** Hidden widths of the encoder. */
  encoderHidden: number[];
  /** Width of z W^(g), the input of each group's generator. */
  groupInput: number;
  /** Hidden widths of each group's generator ([] for a linear generator). */
  generatorHidden: number[];
  /** 'normal' (default): a Gaussian with a learned σ per pixel; 'bernoulli': binary pixels, f_g gives logits. */
  likelihood?: 'normal' | 'bernoulli';
}

/**
 * The largest generator (in weights) whose groups are stacked by default. Measured one step at a time
 * on one thread: stacking took the bars model (8 generators of 280 weights) from 8.1 to 3.4 ms and the
 * MNIST model (4 generators of 27,000) from 10.9 to 12.1 ms, where the separate products are large
 * enough for their faster matrix kernel to win over the batched one.
 */
export const STACK_LIMIT = 4096;

export class OiVae {
  readonly encoder: Mlp;
  /** W^(g), stored [latents, groupInput]: row j holds the weights from latent j into group g. */
  readonly groupWeights: tf.Variable<tf.Rank.R2>[];
  readonly generators: Mlp[];
  /** log σ per pixel, in the order of the groups' pixels (unused by a Bernoulli likelihood). */
  readonly logScales: tf.Variable<tf.Rank.R1>[];
  private readonly indices: tf.Tensor1D[];
  /** Every group's pixels, one group after another (the stacked path's gather). */
  private readonly pixelOrder: tf.Tensor1D;
  /**
   * Run all groups as one batched product (stacked-groups.ts): possible when the groups are of equal
   * size, and on by default when the generators are also small (at most STACK_LIMIT weights each).
   * Set it to false for the group-by-group reference.
   */
  stackGroups: boolean;
  /** Column of the groups' concatenated outputs that holds each pixel. */
  private readonly inverse: tf.Tensor1D;

  constructor(readonly config: OiVaeConfig, key: Key) {
    const { inputSize, groups, latents, encoderHidden, groupInput, generatorHidden } = config;
    checkInt('inputSize', inputSize, 1);
    checkInt('latents', latents, 1);
    checkInt('groupInput', groupInput, 1);
    encoderHidden.forEach((h, i) => checkInt(`encoderHidden[${i}]`, h, 1));
    generatorHidden.forEach((h, i) => checkInt(`generatorHidden[${i}]`, h, 1));
    checkGroups(groups, inputSize);
    if (config.likelihood !== undefined && config.likelihood !== 'normal' && config.likelihood !== 'bernoulli') {
      throw new ParameterError(`likelihood '${config.likelihood}'`, "use 'normal' or 'bernoulli'");
    }
    const [ke, kw, kg] = key.split(3);
    this.encoder = new Mlp({ sizes: [inputSize, ...encoderHidden, 2 * latents], hidden: 'relu', output: 'linear' }, ke, 'oivae/encoder');
    const scale = 1 / Math.sqrt(latents);
    this.groupWeights = kw.split(groups.length).map((k, g) => variableFrom(() => tf.mul(normal(k, [latents, groupInput]), scale), true, uniqueVariableName(`oivae/W${g}`)) as tf.Variable<tf.Rank.R2>);
    this.generators = kg.split(groups.length).map((k, g) => new Mlp({ sizes: [groupInput, ...generatorHidden, groups[g].length], hidden: 'relu', output: 'linear' }, k, `oivae/generator${g}`));
    this.logScales = groups.map((group, g) => variableFrom(() => tf.zeros([group.length]), true, uniqueVariableName(`oivae/logScale${g}`)) as tf.Variable<tf.Rank.R1>);
    this.indices = groups.map((group) => tf.keep(tf.tensor1d(group, 'int32')));
    this.pixelOrder = tf.keep(tf.tensor1d(groups.flat(), 'int32'));
    const generatorWeights = parameterCount(this.generators[0].variables);
    this.stackGroups = groups.every((group) => group.length === groups[0].length) && generatorWeights <= STACK_LIMIT;
    const inverse = new Int32Array(inputSize);
    groups.flat().forEach((pixel, column) => { inverse[pixel] = column; });
    this.inverse = tf.keep(tf.tensor1d(inverse, 'int32'));
  }

  get variables(): tf.Variable[] {
    const scales = this.config.likelihood === 'bernoulli' ? [] : this.logScales;
    return [...this.encoder.variables, ...this.groupWeights, ...this.generators.flatMap((m) => m.variables), ...scales];
  }

  namedVariables(): [string, tf.Variable][] {
    return [...this.encoder.namedVariables(), ...this.groupWeights.map((w, g) => [`W${g}`, w] as [string, tf.Variable]),
      ...this.generators.flatMap((m, g) => m.namedVariables().map(([n, v]) => [`generator${g}/${n}`, v] as [string, tf.Variable])),
      ...this.logScales.map((s, g) => [`logScale${g}`, s] as [string, tf.Variable])];
  }

  /** q(z|x): mean and log-variance, each [batch, latents]. */
  encode(x: tf.Tensor2D): { mean: tf.Tensor2D; logVar: tf.Tensor2D } {
    if (x.rank !== 2 || x.shape[1] !== this.config.inputSize) {
      throw new ShapeError(`oi-VAE over ${this.config.inputSize} pixels got x of shape ${fmtShape(x.shape)}`, `pass a [batch, ${this.config.inputSize}] tensor`);
    }
    return tf.tidy(() => {
      const out = this.encoder.apply(x);
      const [mean, logVar] = tf.split(out, 2, 1) as tf.Tensor2D[];
      return { mean, logVar };
    });
  }

  /** Each group's mean f_g(z W^(g)), [batch, |group g|], in the group's pixel order. */
  decodeGroups(z: tf.Tensor2D): tf.Tensor2D[] {
    if (z.rank !== 2 || z.shape[1] !== this.config.latents) {
      throw new ShapeError(`oi-VAE with ${this.config.latents} latents got z of shape ${fmtShape(z.shape)}`, `pass a [batch, ${this.config.latents}] tensor`);
    }
    return tf.tidy(() => this.generators.map((f, g) => f.apply(linear(z, this.groupWeights[g]))));
  }

  /** The decoder's mean image [batch, inputSize], pixels back in their places (probabilities if Bernoulli). */
  decode(z: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const out = tf.gather(tf.concat(this.decodeGroups(z), 1), this.inverse, 1) as tf.Tensor2D;
      return this.config.likelihood === 'bernoulli' ? tf.sigmoid(out) : out;
    });
  }

  /** log p(x|z) summed over the groups, [batch], for z [batch, latents] (one z per row of x). */
  logLikelihood(x: tf.Tensor2D, z: tf.Tensor2D): tf.Tensor1D {
    const bernoulli = this.config.likelihood === 'bernoulli';
    if (bernoulli) checkBinary('x', x);
    if (this.stackGroups) {
      if (!this.config.groups.every((group) => group.length === this.config.groups[0].length)) {
        throw new ParameterError('stackGroups is on but the groups differ in size', 'set stackGroups to false: only equal groups stack');
      }
      const { groupWeights, generators, logScales, pixelOrder } = this;
      return stackedLogLikelihood({ groupWeights, generators, logScales, pixelOrder, bernoulli }, x, z);
    }
    return tf.tidy(() => tf.addN(this.decodeGroups(z).map((out, g) => {
      const xg = tf.gather(x, this.indices[g], 1);
      if (bernoulli) return new Bernoulli(out, { eventRank: 1, validate: false }).logProb(xg);
      const scale = tf.broadcastTo(tf.exp(this.logScales[g]), out.shape);
      return new Normal(out, scale, { eventRank: 1, validate: false }).logProb(xg);
    })) as tf.Tensor1D);
  }

  /** The ELBO with one reparameterized draw of z per example (`key` draws it); KL analytic. */
  elbo(x: tf.Tensor2D, key: Key): ElboParts {
    return tf.tidy(() => {
      const { mean, logVar } = this.encode(x);
      const q = Normal.fromLogVar(mean, logVar, { eventRank: 1, validate: false });
      const z = q.rsample(key) as tf.Tensor2D;
      const reconstruction = this.logLikelihood(x, z);
      const klTerm = kl(q, Normal.standard(mean.shape, 1)) as tf.Tensor1D;
      return { elbo: tf.sub(reconstruction, klTerm) as tf.Tensor1D, reconstruction, kl: klTerm };
    });
  }

  /**
   * The importance-weighted bound log (1/K Σ_k p(x, z_k) / q(z_k | x)), z_k ~ q(z | x), per row of x:
   * below log p(x), above the ELBO, and tight as K grows. Drawn `chunk` particles at a time.
   */
  importanceBound(x: tf.Tensor2D, key: Key, particles: number, chunk = 50): tf.Tensor1D {
    checkInt('particles', particles, 1);
    checkInt('chunk', chunk, 1);
    const { mean, logVar } = this.encode(x);
    const parts: tf.Tensor1D[] = [];
    for (let start = 0, c = 0; start < particles; start += chunk, c++) {
      const m = Math.min(chunk, particles - start);
      parts.push(tf.tidy(() => {
        const q = Normal.fromLogVar(repeatRows(mean, m), repeatRows(logVar, m), { eventRank: 1, validate: false });
        const z = q.sample(key.foldIn(c)) as tf.Tensor2D;
        const prior = Normal.standard(z.shape, 1);
        const logW = tf.sub(tf.add(this.logLikelihood(repeatRows(x, m), z), prior.logProb(z)), q.logProb(z));
        return logSumExp(tf.reshape(logW, [m, x.shape[0]]), 0) as tf.Tensor1D;
      }));
    }
    const out = logMeanExpOfChunks(parts, particles) as tf.Tensor1D;
    tf.dispose([...parts, mean, logVar]);
    return out;
  }

  dispose(): void {
    this.encoder.dispose();
    this.generators.forEach((m) => m.dispose());
    tf.dispose([...this.groupWeights, ...this.logScales, ...this.indices, this.pixelOrder, this.inverse]);
  }
}

/** Refuses a λ that is negative or not finite. */
export function checkLambda(lambda: number): void {
  if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new ParameterError(`λ = ${lambda}`, 'use a finite λ ≥ 0 (0 trains a plain VAE with the same grouped decoder)');
}
