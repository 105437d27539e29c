// The tfjs API the library uses. tfjs-core's CommonJS bundle registers no gradients; the
// @tensorflow/tfjs bundle does (and brings the cpu backend), so it is loaded once here for that.
// Import tf from this file so that gradients exist whatever the entry point.
import '@tensorflow/tfjs';
export * from '@tensorflow/tfjs-core';
