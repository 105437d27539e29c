export * from './vae';
export * from './train-vae';
export * from './gradient-estimators';
