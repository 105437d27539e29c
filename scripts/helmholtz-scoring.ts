// How the Helmholtz MNIST scripts score a model on test images: the first N of the fixed binarized
// test set, with one key for every script (so that images scored twice get the same score), a
// progress line, and the record's `test` entry.
import { Key } from '../lib/core/random';
import { ImageSet, pixelRange } from '../lib/data';
import { Learner, MnistRunRecord, logMarginalByRows } from '../lib/helmholtz';

/** The seed of the scoring key, Key.fromSeed(SCORING_SEED); image block b draws from its foldIn(b). */
export const SCORING_SEED = 5;

/** A progress line about every 500 images, with the time left at the pace so far. */
function scoringProgress(label: string, total: number, t0: number): (done: number) => void {
  let next = 500;
  return (done) => {
    if (done < next && done < total) return;
    next += 500;
    const seconds = (Date.now() - t0) / 1000;
    console.log(`${label} scored ${done}/${total} test images (${seconds.toFixed(0)} s elapsed, ${((seconds / done) * (total - done)).toFixed(0)} s left)`);
  };
}

/** log p(x) of the first `images` of `testSet` with `particles` particles, as a run record's `test` entry. */
export function scoreTestImages(learner: Learner, testSet: ImageSet, images: number, particles: number): MnistRunRecord['test'] {
  const x = pixelRange(testSet, 0, images);
  const t0 = Date.now();
  try {
    const perImage = logMarginalByRows(learner, Key.fromSeed(SCORING_SEED), x, particles, 20, scoringProgress(learner.name, images, t0));
    return {
      images, particles, meanLogP: perImage.reduce((s, v) => s + v, 0) / perImage.length,
      perImage: Array.from(perImage, (v) => Math.round(v * 1000) / 1000), seconds: (Date.now() - t0) / 1000,
    };
  } finally {
    x.dispose();
  }
}
