// Whether the speed engine is in use: our kernels in place of some of tfjs-backend-wasm's, our own
// WebAssembly products, the threaded wasm build, the fused Adam and the packed Cholesky. Every one
// of them has a plain tfjs twin that computes the same thing. With VI_ENGINE=stock (or
// initBackend({ engine: 'stock' })) the lectures run on unmodified tfjs, more slowly.
import { BackendError } from '../core/errors';

export const ENGINE_MODES = ['on', 'stock'] as const;
export type EngineMode = (typeof ENGINE_MODES)[number];

let mode: EngineMode | null = null;
let installed = false;

/** The mode named by VI_ENGINE (default on), checked. */
export function requestedEngineMode(): EngineMode {
  const value = process.env.VI_ENGINE ?? 'on';
  if (!(ENGINE_MODES as readonly string[]).includes(value)) {
    throw new BackendError(`VI_ENGINE=${value} is not one of ${ENGINE_MODES.join(', ')}`, 'unset it, or set it to stock to run on unmodified tfjs');
  }
  return value as EngineMode;
}

/** Fixes the mode for this process; switching after the engine's kernels were installed is refused. */
export function setEngineMode(next: EngineMode): void {
  if (!(ENGINE_MODES as readonly string[]).includes(next)) {
    throw new BackendError(`engine '${next}' is not one of ${ENGINE_MODES.join(', ')}`, 'pass on or stock');
  }
  if (installed && next !== 'on') {
    throw new BackendError('the engine is already installed in this process', 'choose stock before the first initBackend (VI_ENGINE=stock), and restart the kernel');
  }
  mode = next;
}

/** Records that the engine's kernels are now part of tfjs in this process. */
export function markEngineInstalled(): void {
  installed = true;
}

/** True unless the lectures run on stock tfjs. */
export function engineOn(): boolean {
  if (mode === null) mode = requestedEngineMode();
  return mode === 'on';
}
