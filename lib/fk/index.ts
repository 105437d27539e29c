export * from './potentials';
export * from './reference';
export * from './scalar-mlp';
export * from './ansatz';
export * from './feynman-kac';
export * from './jet';
export * from './local-energy';
