export * from './dense';
export * from './mlp';
export * from './weights';
export * from './masked-mlp';
export * from './count';
export * from './gru-cell';
export * from './class-log-prob';
