export * from './masks';
export * from './masked-network';
export * from './train-classifier';
export * from './tickets';
export * from './record';
