export * from './errors';
export * from './random';
export * from './backend';
export * from './notebook';
export * from './progress';
export * from './train';
export * from './ops';
export * from './claims';
