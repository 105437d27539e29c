export * from './kernel';
export * from '../linalg/quadrature';
export * from './layers';
export * from './cholesky';
export * from './gp';
