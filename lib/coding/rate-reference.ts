// What a BB-ANS code length is compared with: the negative ELBO of the same images, and the Monte
// Carlo errors of that paired comparison. The spread between images is common to both numbers and
// cancels; what is left is the ELBO estimate's error over its draws of z, and the coder's own: each
// image's z is popped from the message, a draw from q, so a code length is a one-draw estimate of
// the negative ELBO with the KL drawn too, whose error the 'mc' ELBO over several draws measures.
import type { ImageSet } from '../data/images';
import { Key } from '../core/random';
import type { Vae } from '../vae/vae';
import { DrawnElbo, evaluateElboDraws } from '../vae/train-vae';

export interface RateReference {
  /** The ELBO with `draws` draws per image (analytic KL): its mean is the reference, in nats per image. */
  elbo: DrawnElbo;
  /** The errors, as fractions of the negative ELBO: the ELBO estimate's, one coding's, and both together. */
  elboError: number;
  codingError: number;
  error: number;
  /** The spread between images as the same fraction: the error of a comparison on other images. */
  imageSpread: number;
}

/** The reference for code lengths of the first `count` images: the ELBO drawn with `keys.elbo`, the coder's error with `keys.coder`. */
export function rateReference(vae: Vae, data: ImageSet, keys: { elbo: Key; coder: Key }, draws: number, count = data.n): RateReference {
  const elbo = evaluateElboDraws(vae, data, keys.elbo, draws, count);
  const oneDrawMc = evaluateElboDraws(vae, data, keys.coder, draws, count, 500, 'mc');
  const relative = (nats: number) => nats / Math.abs(elbo.mean);
  const elboError = relative(elbo.drawStderr);
  const codingError = relative(oneDrawMc.drawStderr * Math.sqrt(draws));
  return { elbo, elboError, codingError, error: Math.hypot(elboError, codingError), imageSpread: relative(elbo.stderr) };
}
