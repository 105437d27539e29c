export * from './vae';
export * from './train-vae';
