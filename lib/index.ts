// The public face of the lecture library: notebooks import everything from here
// (`import * as L from '../dist/lib'`, after `npm run build`).
export * from './core';
export * from './distributions';
export * from './data';
export * from './plot';
export * from './nn';
export * from './vae';
export * from './models';
export * as coding from './coding';
export * as nngp from './nngp';
export * as psychometrics from './psychometrics';
export * as flows from './flows';
export * as sde from './sde';
export * as fk from './fk';
export * as vq from './vq';
export * as lottery from './lottery';
export * as helmholtz from './helmholtz';
export * as attention from './attention';
export * as oivae from './oivae';
export * as sensing from './sensing';
export * as sequence from './sequence';
