export * from './specs';
export * from './show';
export * from './png';
