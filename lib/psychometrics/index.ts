export * from './functions';
export * from './optimize';
export * from './fit';
export * from './simulate';
