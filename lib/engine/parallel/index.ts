export * from './data-parallel';
