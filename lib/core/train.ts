// The training loop every lecture uses: keyed steps, a loss history, a progress bar, no tensor leaks.
import * as tf from './tf';
import { checkInt, ParameterError } from './errors';
import { Key } from './random';
import { progressBar, yieldToEventLoop } from './progress';

export interface TrainOptions {
  /** Number of optimizer steps. */
  steps: number;
  /** The optimizer (e.g. adam(1e-3) from ./adam); the loop does not dispose it. */
  optimizer: tf.Optimizer;
  /** Variables to train; default: every trainable variable the loss touches. */
  variables?: tf.Variable[];
  /** Label of the progress bar. */
  label?: string;
  /** 'auto' (bar in a notebook, lines in a terminal), 'lines' or 'off'. */
  progress?: 'auto' | 'lines' | 'off';
  /** Called after every step with the step number and that step's loss. */
  onStep?: (step: number, loss: number) => void | Promise<void>;
}

export interface TrainResult {
  /** The loss of every step, in order. */
  losses: number[];
  /** Wall-clock seconds. */
  seconds: number;
}

/**
 * Minimises `loss(key, step)` for `steps` steps. Step i gets `key.foldIn(i)`, so a run is
 * reproducible and independent of how it is split into calls. The loss must return a scalar.
 */
export async function train(key: Key, loss: (key: Key, step: number) => tf.Scalar, options: TrainOptions): Promise<TrainResult> {
  checkInt('steps', options.steps, 0);
  const bar = progressBar(options.label ?? 'training', options.steps, options.progress ?? 'auto');
  const losses: number[] = [];
  const start = Date.now();
  let smooth = NaN;
  let lastYield = start;
  for (let step = 0; step < options.steps; step++) {
    const value = options.optimizer.minimize(() => loss(key.foldIn(step), step), true, options.variables);
    if (value == null) throw new ParameterError('the optimizer returned no loss', 'return a scalar tensor from the loss function');
    const v = (await value.data())[0];
    value.dispose();
    if (!Number.isFinite(v)) {
      throw new ParameterError(`the loss became ${v} at step ${step}`, 'lower the learning rate or check the model for log(0) and division by zero');
    }
    losses.push(v);
    smooth = Number.isNaN(smooth) ? v : 0.95 * smooth + 0.05 * v;
    if (options.onStep) await options.onStep(step, v);
    await bar.update(step + 1, { loss: smooth });
    // awaiting a resolved promise runs no timers: without a turn of the event loop now and then, a
    // long run would keep a host waiting (a test runner's messages time out after a minute)
    if (Date.now() - lastYield > 500) {
      await yieldToEventLoop();
      lastYield = Date.now();
    }
  }
  await bar.finish({ loss: smooth });
  return { losses, seconds: (Date.now() - start) / 1000 };
}
