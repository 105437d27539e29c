export * from './idx';
export * from './images';
export * from './batches';
export * from './records';
