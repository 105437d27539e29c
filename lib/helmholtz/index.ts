export * from './sbn';
export * from './likelihood';
export * from './estimators';
export * from './bars';
