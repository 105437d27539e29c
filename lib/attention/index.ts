export * from './attention';
export * from './layer-norm';
export * from './multi-head';
export * from './positions';
