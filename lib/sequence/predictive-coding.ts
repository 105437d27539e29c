// The gated predictive-coding sequence model: one recurrent circuit is both the prior and, corrected
// by its prediction error, the recognition model. At each step the circuit predicts the latent,
// p(z_t | past) = N(mu_t, sigma_t^2); a sensory encoding s_t = f(x_t) is compared with the prediction,
// e_t = s_t - mu_t; and a gate g_t decides how much of the error reaches the circuit:
//   q(z_t | past, x_t) = N(mu_t + g_t a(e_t), (sigma_t exp(g_t b(e_t)))^2).
// With the gate shut (g = 0) q is the prior exactly: the circuit imagines. Open (g = 1), the same
// circuit listens. A learned gate opens by the size of the error. With linear f and a, the update is
// the Kalman filter's: prediction plus a gain times the innovation.
import * as tf from '../core/tf';
import { ParameterError, checkInt } from '../core/errors';
import { stopGradient } from '../core/ops';
import { Key } from '../core/random';
import { GruCell } from '../nn/gru-cell';
import { Dense } from '../nn/dense';
import { Mlp } from '../nn/mlp';
import {
  ComposedModel, Emission, Likelihood, ModelPart, SequenceLatentModel, SequenceTerms, StepGaussian, TermRecorder, checkSequences, splitGaussian, stackedSteps, stepDraw,
} from './sequence-model';

export type Gate = 'open' | 'shut' | 'learned';

/** What a pass of the circuit shows inside: errors, predictions and q's means [batch, T, latent], the gate [batch, T]. */
export type CircuitTrace = { errors: tf.Tensor3D; predictions: tf.Tensor3D; means: tf.Tensor3D; gates: tf.Tensor2D };

export interface PredictiveCodingConfig {
  data: number;
  latent: number;
  /** Width of the recurrent circuit's state. */
  width: number;
  /** Hidden widths of the sensory encoder and of the emission. */
  hidden: number[];
  likelihood: Likelihood;
  gate: Gate;
}

export class PredictiveCodingModel extends ComposedModel implements SequenceLatentModel {
  readonly data: number;
  readonly latent: number;
  readonly circuit: GruCell;
  readonly predict: Dense;
  readonly sense: Mlp;
  readonly correct: Dense;
  readonly gateNet: Dense;
  readonly emission: Emission;

  constructor(readonly config: PredictiveCodingConfig, key: Key, name = 'predictive-coding') {
    super();
    if (!['open', 'shut', 'learned'].includes(config.gate)) throw new ParameterError(`gate '${config.gate}' is not open, shut or learned`, 'pick one of those');
    this.data = config.data;
    this.latent = config.latent;
    const k = key.split(6);
    this.circuit = new GruCell(config.latent, config.width, k[0], `${name}/circuit`);
    this.predict = new Dense(config.width, 2 * config.latent, 'linear', k[1], `${name}/predict`);
    this.sense = new Mlp({ sizes: [config.data, ...config.hidden, config.latent], hidden: 'tanh', output: 'linear' }, k[2], `${name}/sense`);
    this.correct = new Dense(config.latent, 2 * config.latent, 'linear', k[3], `${name}/correct`);
    this.gateNet = new Dense(config.latent, 1, 'linear', k[4], `${name}/gate`);
    this.emission = new Emission(config.latent, config.data, config.hidden, config.likelihood, k[5], `${name}/emission`);
  }

  /** The circuit's prediction p(z_t | past) from its state. */
  prior(h: tf.Tensor2D): StepGaussian {
    return splitGaussian(this.predict.apply(h));
  }

  /** The gate's opening per sequence, [batch, 1]: 0 shut, 1 open, or learned from the squared error. */
  gate(error: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      if (this.config.gate === 'open') return tf.ones([error.shape[0], 1]) as tf.Tensor2D;
      if (this.config.gate === 'shut') return tf.zeros([error.shape[0], 1]) as tf.Tensor2D;
      return tf.sigmoid(this.gateNet.apply(tf.square(error))) as tf.Tensor2D;
    });
  }

  /** The recognition step from the sensed s_t: the prediction corrected by the gated error; also the error itself. */
  recognise(p: StepGaussian, sensed: tf.Tensor2D): { q: StepGaussian; error: tf.Tensor2D; gate: tf.Tensor2D } {
    const error = tf.sub(sensed, p.mean) as tf.Tensor2D;
    const { mean: shift, logStd: widen } = splitGaussian(this.correct.apply(error));
    const g = this.gate(error);
    return { q: { mean: tf.add(p.mean, tf.mul(g, shift)) as tf.Tensor2D, logStd: tf.add(p.logStd, tf.mul(g, widen)) as tf.Tensor2D }, error, gate: g };
  }

  /**
   * One pass over x, with what happened inside the circuit at each step: the prediction errors e_t,
   * the predicted means mu_t and q's means ([batch, T, latent] each), and the gate's opening [batch, T].
   */
  run(x: tf.Tensor3D, key: Key, weights = false): SequenceTerms & CircuitTrace {
    checkSequences(x, this.data);
    return tf.tidy(() => {
      const [b, steps] = x.shape;
      // the senses see x_t alone, so they run on all steps at once; only the circuit is recurrent
      const sensed = tf.unstack(tf.reshape(this.sense.apply(tf.reshape(x, [b * steps, this.data]) as tf.Tensor2D), [b, steps, this.latent]), 1) as tf.Tensor2D[];
      let h = tf.zeros([b, this.config.width]) as tf.Tensor2D;
      const record = new TermRecorder(weights);
      const [errors, predictions, gates] = [[], [], []] as tf.Tensor2D[][];
      sensed.forEach((st, t) => {
        const p = this.prior(h);
        const { q, error, gate } = this.recognise(p, st);
        const z = stepDraw(q, key.foldIn(t));
        record.add(q, p, z);
        errors.push(error);
        predictions.push(p.mean);
        gates.push(gate);
        h = this.circuit.step(z, h);
      });
      const stack = (v: tf.Tensor2D[]) => tf.stack(v, 1) as tf.Tensor3D;
      return {
        ...record.terms(x, this.emission), errors: stack(errors), predictions: stack(predictions), means: record.means(),
        gates: tf.reshape(stack(gates), [b, steps]) as tf.Tensor2D,
      };
    });
  }

  terms(x: tf.Tensor3D, key: Key, weights = false): SequenceTerms {
    const { errors, predictions, means, gates, ...terms } = this.run(x, key, weights);
    tf.dispose([errors, predictions, means, gates]);
    return terms;
  }

  recognitionMeans(x: tf.Tensor3D, key: Key): tf.Tensor3D {
    const { means, ...rest } = this.run(x, key);
    tf.dispose(Object.values(rest));
    return means;
  }

  /**
   * The practice error, -log q(z^_t | z^_<t, x_t) per step, [count, steps]: the circuit intends a
   * path z^ (gate shut), the emission says it (x drawn from p(x | z^)), and the same circuit, gate
   * as configured, perceives x again. Intention and utterance are held fixed, so the gradient
   * trains the perceiving: this is wake-sleep's sleep phase, run on the shared circuit.
   */
  practiceError(count: number, steps: number, key: Key): tf.Tensor2D {
    checkInt('count', count, 1);
    checkInt('steps', steps, 1);
    return tf.tidy(() => {
      const [kIntend, kSay] = key.split(2);
      let h = tf.zeros([count, this.config.width]) as tf.Tensor2D;
      const priors: StepGaussian[] = [];
      const intended: tf.Tensor2D[] = [];
      for (let t = 0; t < steps; t++) {
        const p = this.prior(h);
        const z = stopGradient(stepDraw(p, kIntend.foldIn(t))) as tf.Tensor2D;
        priors.push(p);
        intended.push(z);
        // following z^, perception's circuit passes through the same states as the intention's
        h = this.circuit.step(z, h);
      }
      const zHat = tf.stack(intended, 1);
      const said = stopGradient(this.emission.distribution(tf.reshape(zHat, [count * steps, this.latent]) as tf.Tensor2D).sample(kSay));
      const sensed = tf.unstack(tf.reshape(this.sense.apply(said as tf.Tensor2D), [count, steps, this.latent]), 1) as tf.Tensor2D[];
      const perceived = stackedSteps(priors.map((p, t) => this.recognise(p, sensed[t]).q));
      return tf.neg(perceived.logProb(zHat)) as tf.Tensor2D;
    });
  }

  imagine(count: number, steps: number, key: Key): tf.Tensor3D {
    return tf.tidy(() => {
      let h = tf.zeros([count, this.config.width]) as tf.Tensor2D;
      const means: tf.Tensor2D[] = [];
      for (let t = 0; t < steps; t++) {
        const z = stepDraw(this.prior(h), key.foldIn(t));
        means.push(this.emission.mean(z));
        h = this.circuit.step(z, h);
      }
      return tf.stack(means, 1) as tf.Tensor3D;
    });
  }

  protected get parts(): ModelPart[] {
    return [this.circuit, this.predict, this.sense, this.correct, this.gateNet, this.emission];
  }

  /** The gate's own weights train only when the gate is learned. */
  get variables(): tf.Variable[] {
    const fixedGate = new Set(this.config.gate === 'learned' ? [] : this.gateNet.variables);
    return super.variables.filter((v) => !fixedGate.has(v));
  }
}
