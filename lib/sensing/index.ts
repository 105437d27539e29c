export * from './measurement';
export * from './metrics';
export * from './fista';
export * from './linear';
export * from './fast-ica';
export * from './uae';
export * from './generative-cs';
export * from './classify';
