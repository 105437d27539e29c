export * from './functions';
export * from './optimize';
export * from './fit';
export * from './simulate';
export * from './models';
export * from './model-fit';
export * from './trial-table';
export * from './bayes';
