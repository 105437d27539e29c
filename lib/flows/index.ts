export * from './bijection';
export * from './layers';
export * from './flow';
