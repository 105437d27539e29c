export * from './state-space';
export * from './kalman';
export * from './sequence-model';
export * from './predictive-coding';
export * from './vrnn';
export * from './smoother';
export * from './train';
