// What the Helmholtz MNIST scripts share when they score test images: the key and a progress line.

/** The seed of the scoring key, Key.fromSeed(SCORING_SEED); image block b draws from its foldIn(b). */
export const SCORING_SEED = 5;

/** A progress line about every 500 images, with the time left at the pace so far. */
export function scoringProgress(label: string, total: number, t0: number): (done: number) => void {
  let next = 500;
  return (done) => {
    if (done < next && done < total) return;
    next += 500;
    const seconds = (Date.now() - t0) / 1000;
    console.log(`${label} scored ${done}/${total} test images (${seconds.toFixed(0)} s elapsed, ${((seconds / done) * (total - done)).toFixed(0)} s left)`);
  };
}
