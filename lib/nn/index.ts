export * from './dense';
export * from './mlp';
export * from './weights';
