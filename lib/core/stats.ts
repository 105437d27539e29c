// Summaries of Monte Carlo estimates.

/** Mean and standard error of the mean (sample variance with n - 1). */
export function meanAndStderr(values: ArrayLike<number>): { mean: number; stderr: number } {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i] - mean) ** 2;
  return { mean, stderr: Math.sqrt(squares / Math.max(n - 1, 1) / n) };
}
