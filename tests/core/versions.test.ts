// The engine replaces kernels of one tfjs version: the packages are pinned to it exactly, and the
// installed ones are that version (npm ci installs from the lock file).
import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import { ENGINE_TFJS_VERSION } from '../../lib/core/backend';

const TFJS = ['@tensorflow/tfjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-cpu'];

describe('tfjs versions', () => {
  it('are pinned exactly in package.json and installed as pinned', () => {
    const manifest = JSON.parse(fs.readFileSync('package.json', 'utf8'));
    for (const pkg of TFJS) {
      expect(manifest.dependencies[pkg], `${pkg} in package.json`).toBe(ENGINE_TFJS_VERSION);
      const installed = JSON.parse(fs.readFileSync(`node_modules/${pkg}/package.json`, 'utf8')).version;
      expect(installed, `${pkg} installed (run npm ci if this fails)`).toBe(ENGINE_TFJS_VERSION);
    }
  });
});
