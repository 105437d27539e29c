// Claims a lecture makes, checked in code: a failed claim stops the notebook with its statement.
import { LectureError } from './errors';

export class ClaimError extends LectureError {}

/** Throws ClaimError when `ok` is false; prints the verified statement when it holds. */
export function claim(ok: boolean, statement: string): void {
  if (!ok) {
    throw new ClaimError(`claim failed: ${statement}`, 'the lecture\'s result did not hold for this run; report the seed and backend');
  }
  console.log(`✓ ${statement}`);
}
