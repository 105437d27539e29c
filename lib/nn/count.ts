// The number of trained numbers in a model, for comparisons at equal size.

/** Total entries of the variables. */
export function parameterCount(variables: { size: number }[]): number {
  return variables.reduce((total, v) => total + v.size, 0);
}
