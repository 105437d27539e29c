export * from './state-space';
export * from './kalman';
