// The log-probability that logits give to a named class, log softmax(logits)[class]: the term every
// cross-entropy in the lectures sums (classifiers, sequence models, priors over codes). On the wasm
// backend it is one taped operation, a kernel of ours each way (heap-wat.ts's classLogProbFuncs),
// where tfjs's logSoftmax, one-hot, product and sum were about ten kernels forward and six back;
// elsewhere, or with the engine off, the plain twin runs. Our exp and log are float32 polynomials
// and the sums run in four lanes, so values differ from the plain twin in the last places (tested).
import * as tf from '../core/tf';
import { ParameterError, ShapeError, fmtShape } from '../core/errors';
import { lazyGradientOp } from '../core/ops';
import { heapKernels, heapOffset } from '../engine/heap-kernels';
import { countOurCall } from '../engine/wasm-kernels';

/** Throws unless classes is int32 of logits' leading shape, every entry a class 0..K-1. */
function checkClasses(logits: tf.Tensor, classes: tf.Tensor): void {
  const lead = logits.shape.slice(0, -1);
  if (classes.dtype !== 'int32' || classes.rank !== lead.length || classes.shape.some((d, i) => d !== lead[i])) {
    throw new ShapeError(`classes ${classes.dtype} ${fmtShape(classes.shape)} against logits ${fmtShape(logits.shape)}`,
      `pass one int32 class index per row of logits, shape ${fmtShape(lead)}`);
  }
  const K = logits.shape[logits.rank - 1];
  const values = classes.dataSync();
  for (let i = 0; i < values.length; i++) {
    if (values[i] < 0 || values[i] >= K) throw new ParameterError(`class ${values[i]} (entry ${i}) is outside 0..${K - 1}`, `pass classes of the ${K} the logits score`);
  }
}

/**
 * logits [..., K] and int32 classes [...], each in 0..K-1 -> log p(class) [...]. The logits must be
 * finite (a network's output).
 */
export function classLogProb(logits: tf.Tensor, classes: tf.Tensor): tf.Tensor {
  checkClasses(logits, classes);
  const kernels = heapKernels();
  if (!kernels || logits.dtype !== 'float32' || logits.size === 0) return classLogProbPlain(logits, classes);
  const { backend } = kernels;
  const width = logits.shape[logits.rank - 1];
  const rows = logits.size / width;
  const at = (t: tf.TensorInfo) => heapOffset(backend, t);
  const made = (info: tf.TensorInfo) => tf.engine().makeTensorFromTensorInfo(info);
  return lazyGradientOp({ logits }, (save) => {
    const out = backend.makeOutput(classes.shape, 'float32');
    const lse = backend.makeOutput(classes.shape, 'float32');
    kernels.classLogProbForward(at(logits), at(classes), at(out), at(lse), rows, width);
    countOurCall('classLogProbForward');
    // save keeps copies; the forward pass's scope disposes lse itself
    save([logits, classes, made(lse)]);
    return made(out);
  }, (dy, [x, saved, lse]) => ({
    logits: () => {
      const dx = backend.makeOutput(x.shape, 'float32');
      kernels.classLogProbBackward(at(dy), at(x), at(saved), at(lse), at(dx), rows, width);
      countOurCall('classLogProbBackward');
      return made(dx);
    },
  }));
}

/** The same log-probability with tfjs operations and autodiff: the reference the tests compare against. */
export function classLogProbPlain(logits: tf.Tensor, classes: tf.Tensor): tf.Tensor {
  checkClasses(logits, classes);
  const K = logits.shape[logits.rank - 1];
  return tf.tidy(() => tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(classes, K)), -1));
}
