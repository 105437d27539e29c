export * as matrix from '../linalg/matrix';
export type { Matrix } from '../linalg/matrix';
export * from './linear-gaussian';
