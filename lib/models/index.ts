export * as matrix from './matrix';
export type { Matrix } from './matrix';
export * from './linear-gaussian';
