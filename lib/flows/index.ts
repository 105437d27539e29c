export * from './bijection';
export * from './layers';
export * from './linear';
export * from './planar-radial';
export * from './made';
export * from './logit';
export * from './flow';
