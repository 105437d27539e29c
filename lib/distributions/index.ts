export * from './distribution';
export * from './normal';
export * from './bernoulli';
export * from './bernoulli-rows';
export * from './categorical';
export * from './kl';
