// The per-symbol cross-entropy of predicted sequences, in nats, averaged over the real (unpadded)
// target positions.
import * as tf from '../core/tf';
import { ShapeError, fmtShape } from '../core/errors';
import { classLogProb } from '../nn/class-log-prob';
import { checkTokens } from './embedding';

/** logits [batch, T, V], targets [batch, T] int32, weights [batch, T] (1 = counted, 0 = padding). */
export function sequenceCrossEntropy(logits: tf.Tensor3D, targets: tf.Tensor2D, weights?: tf.Tensor2D): tf.Scalar {
  const [b, t, v] = logits.shape;
  if (targets.shape[0] !== b || targets.shape[1] !== t || (weights && (weights.shape[0] !== b || weights.shape[1] !== t))) {
    throw new ShapeError(`logits ${fmtShape(logits.shape)} against targets ${fmtShape(targets.shape)}${weights ? ` and weights ${fmtShape(weights.shape)}` : ''}`, 'give one target (and weight) per predicted position');
  }
  checkTokens(targets, v);
  return tf.tidy(() => {
    const logP = classLogProb(logits, targets); // [b, t]
    if (!weights) return tf.neg(tf.mean(logP)) as tf.Scalar;
    return tf.div(tf.neg(tf.sum(tf.mul(logP, weights))), tf.maximum(tf.sum(weights), 1)) as tf.Scalar;
  });
}
