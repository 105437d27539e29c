export * from './attention';
export * from './layer-norm';
export * from './multi-head';
export * from './positions';
export * from './block';
export * from './embedding';
export * from './sequence-loss';
export * from './transformer';
