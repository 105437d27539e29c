export * from './potentials';
export * from './reference';
export * from './scalar-mlp';
export * from './ansatz';
export * from './feynman-kac';
