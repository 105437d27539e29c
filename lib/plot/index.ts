export * from './specs';
export * from './show';
export * from './png';
export * from './show-source';
