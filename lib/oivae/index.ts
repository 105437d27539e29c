export * from './groups';
export * from './group-lasso';
export * from './bars';
export * from './oi-vae';
export * from './train';
export * from './connectivity';
export * from './configs';
