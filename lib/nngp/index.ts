export * from './kernel';
export * from './quadrature';
export * from './layers';
export * from './cholesky';
export * from './gp';
