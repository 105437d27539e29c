export * from './sbn';
export * from './likelihood';
export * from './estimators';
export * from './bars';
export * from './learners';
export * from './fit';
export * from './bars-experiment';
export * from './explaining-away';
