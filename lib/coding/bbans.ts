// Bits-back coding with ANS (Townsend, Bird and Barber, ICLR 2019). To push x:
//   1. pop z from the message with the posterior q(z|x)   (takes about -log q(z|x) bits back)
//   2. push x with the likelihood p(x|z)                   (costs -log p(x|z))
//   3. push z with the prior p(z)                          (costs -log p(z))
// Net cost -log p(x|z) - log p(z) + log q(z|x): on average the negative ELBO. Popping reverses it.
import { Codec } from './codecs';

export interface BbAnsModel<X, Z> {
  prior: Codec<Z>;
  likelihood: (z: Z) => Codec<X>;
  posterior: (x: X) => Codec<Z>;
}

// derived in lecture 7 (notebooks/07-bits-back.ipynb)
export function bbAns<X, Z>(model: BbAnsModel<X, Z>): Codec<X> {
  return {
    push(m, x) {
      const [m1, z] = model.posterior(x).pop(m);
      return model.prior.push(model.likelihood(z).push(m1, x), z);
    },
    pop(m) {
      const [m1, z] = model.prior.pop(m);
      const [m2, x] = model.likelihood(z).pop(m1);
      return [model.posterior(x).push(m2, z), x];
    },
  };
}
