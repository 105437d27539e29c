// How much of the class a code keeps: a multinomial logistic regression (softmax of an affine map)
// trained by Adam on standardised codes of the training set, scored by accuracy on the test codes.
import * as tf from '../core/tf';
import { ShapeError, checkInt, fmtShape } from '../core/errors';
import { Key } from '../core/random';
import { adam } from '../core/adam';
import { permutation } from '../core/random';
import { variableFrom } from '../core/ops';

export interface LinearProbe { accuracy: number; trainAccuracy: number }

export function linearProbe(trainCodes: tf.Tensor2D, trainLabels: Uint8Array, testCodes: tf.Tensor2D, testLabels: Uint8Array, key: Key, epochs = 10, batchSize = 256, classes = 10): LinearProbe {
  checkInt('epochs', epochs, 1);
  if (trainCodes.shape[0] !== trainLabels.length || testCodes.shape[0] !== testLabels.length || trainCodes.shape[1] !== testCodes.shape[1]) {
    throw new ShapeError(`codes ${fmtShape(trainCodes.shape)} / ${fmtShape(testCodes.shape)} do not match ${trainLabels.length} / ${testLabels.length} labels`, 'pass one code per labelled image, the same width for both sets');
  }
  const d = trainCodes.shape[1];
  const [mean, scale] = tf.tidy(() => {
    const mu = trainCodes.mean(0);
    return [mu, trainCodes.sub(mu).square().mean(0).sqrt().add(1e-6)];
  });
  const standard = (c: tf.Tensor2D) => tf.tidy(() => c.sub(mean).div(scale) as tf.Tensor2D);
  const xTrain = standard(trainCodes);
  const xTest = standard(testCodes);
  const w = variableFrom(() => tf.zeros([d, classes]) as tf.Tensor2D);
  const b = variableFrom(() => tf.zeros([classes]) as tf.Tensor1D);
  const optimizer = adam(1e-2);
  const n = trainLabels.length;
  const yTrain = tf.oneHot(tf.tensor1d(Int32Array.from(trainLabels), 'int32'), classes);
  for (let e = 0; e < epochs; e++) {
    const perm = permutation(key.foldIn(e), n);
    for (let start = 0; start + batchSize <= n; start += batchSize) {
      const idx = tf.tensor1d(perm.slice(start, start + batchSize), 'int32');
      optimizer.minimize(() => tf.tidy(() => tf.losses.softmaxCrossEntropy(yTrain.gather(idx), tf.matMul(xTrain.gather(idx), w).add(b)) as tf.Scalar), false, [w, b]);
      idx.dispose();
    }
  }
  const accuracyOf = (x: tf.Tensor2D, labels: Uint8Array) => {
    const predicted = tf.tidy(() => tf.matMul(x, w).add(b).argMax(1).dataSync());
    let right = 0;
    for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) right++;
    return right / labels.length;
  };
  const result = { accuracy: accuracyOf(xTest, testLabels), trainAccuracy: accuracyOf(xTrain, trainLabels) };
  tf.dispose([mean, scale, xTrain, xTest, w, b, yTrain]);
  optimizer.dispose();
  return result;
}
