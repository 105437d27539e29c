export * from './quantizer';
export * from './vq-vae';
export * from './code-prior';
