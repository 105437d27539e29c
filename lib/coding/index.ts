export * from './message';
export * from './rans';
export * from './codecs';
export * from './gaussian';
export * from './serialize';
export * from './bbans';
export * from './vae-codec';
export * from './baselines';
