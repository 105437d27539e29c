// The one check every consumer of code indices makes: each is an integer index into its codebook.
import { ParameterError } from '../core/errors';

/** Throws a ParameterError naming the first entry of `codes` outside 0..size-1. */
export function checkCodeRange(codes: ArrayLike<number>, size: number, what = 'code'): void {
  for (let i = 0; i < codes.length; i++) {
    const k = codes[i];
    if (!(Number.isInteger(k) && k >= 0 && k < size)) {
      throw new ParameterError(`${what} ${i} is ${k}, outside 0..${size - 1}`, 'pass codes of the same codebook');
    }
  }
}
