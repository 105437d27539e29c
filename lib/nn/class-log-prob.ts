// The log-probability that logits give to a named class, log softmax(logits)[class]: the term every
// cross-entropy in the lectures sums (classifiers, sequence models, priors over codes).
import * as tf from '../core/tf';
import { ShapeError, fmtShape } from '../core/errors';

/**
 * logits [..., K] and int32 classes [...] -> log p(class) [...]. The logits must be finite (a
 * network's output): a class with logit -Infinity would give 0 * -Infinity. Each caller checks its
 * classes against K, as it knows what they name (labels, tokens, codes).
 */
export function classLogProb(logits: tf.Tensor, classes: tf.Tensor): tf.Tensor {
  const lead = logits.shape.slice(0, -1);
  if (classes.dtype !== 'int32' || classes.rank !== lead.length || classes.shape.some((d, i) => d !== lead[i])) {
    throw new ShapeError(`classes ${classes.dtype} ${fmtShape(classes.shape)} against logits ${fmtShape(logits.shape)}`,
      `pass one int32 class index per row of logits, shape ${fmtShape(lead)}`);
  }
  const K = logits.shape[logits.rank - 1];
  return tf.tidy(() => tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(classes, K)), -1));
}
