export * from './kernel';
export * from '../linalg/quadrature';
export * from './layers';
export * from '../linalg/cholesky';
export * from './gp';
