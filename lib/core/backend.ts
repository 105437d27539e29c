// Backend choice: the native TensorFlow binding where it is installed, else WebAssembly, else plain
// JavaScript. VI_BACKEND=tensorflow|wasm|cpu overrides the order. The choice is reported once.
import * as tf from './tf';
import { BackendError } from './errors';
import { EngineMode, engineOn, requestedEngineMode, setEngineMode } from '../engine/switch';
import { installEngine } from '../engine/install';
export { ENGINE_TFJS_VERSION } from '../engine/install';
import { defaultWasmThreads, wasmThreadCount, withWasmThreads } from '../engine/wasm-threads';
import { nativeBlasStatus } from '../engine/native-blas';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
const ORDER: BackendName[] = ['tensorflow', 'wasm', 'cpu'];

let reported: BackendName | null = null;

/** The version of an installed package, or undefined when it is not installed. */
function installedVersion(pkg: string): string | undefined {
  try {
    return require(`${pkg}/package.json`).version;
  } catch {
    return undefined;
  }
}

/**
 * Registers the backend's package with tfjs (and the engine on wasm); returns false when the package
 * is not installed here. A wasm package of another version than the engine's, or an engine kernel
 * that fails to install, is a BackendError: the lectures would otherwise fall back to a backend many
 * times slower without saying why.
 */
function register(name: BackendName): boolean {
  if (name === 'tensorflow') {
    try {
      require('@tensorflow/tfjs-node');
    } catch {
      return false; // optional: its native binary downloads only where the internet is reachable
    }
  }
  if (name === 'wasm') {
    const version = installedVersion('@tensorflow/tfjs-backend-wasm');
    if (version === undefined) return false;
    require('@tensorflow/tfjs-backend-wasm');
    if (engineOn()) installEngine(version);
  }
  return tf.findBackendFactory(name) != null;
}

export interface BackendOptions {
  /** Force one backend (else VI_BACKEND, else the first of tensorflow, wasm, cpu that works). */
  backend?: BackendName;
  /** Do not print the choice. */
  quiet?: boolean;
  /**
   * Threads for the wasm backend (else VI_WASM_THREADS, else one per core, at most 4). 1 selects
   * the single-threaded build. Takes effect only at the wasm backend's first initialisation.
   */
  threads?: number;
  /** 'stock' runs on unmodified tfjs, without the engine (else VI_ENGINE, else 'on'). */
  engine?: EngineMode;
}

/** Switches to a backend, starting the threaded wasm build the first time wasm is chosen with threads > 1. */
async function select(name: BackendName, threads?: number): Promise<boolean> {
  const wasmStarted = tf.engine().registry.wasm !== undefined;
  const n = threads ?? defaultWasmThreads();
  if (name !== 'wasm' || wasmStarted || n <= 1 || !engineOn()) return tf.setBackend(name);
  return withWasmThreads(n, () => tf.setBackend(name));
}

/** Picks and initialises the backend; call it (and await it) before the first tensor op. */
export async function initBackend(options: BackendOptions = {}): Promise<BackendName> {
  setEngineMode(options.engine ?? requestedEngineMode());
  const requested = options.backend ?? (process.env.VI_BACKEND as BackendName | undefined);
  if (requested !== undefined && !ORDER.includes(requested)) {
    throw new BackendError(`unknown backend "${requested}"`, `use one of ${ORDER.join(', ')} (VI_BACKEND or the backend option)`);
  }
  const candidates = requested ? [requested] : ORDER;
  for (const name of candidates) {
    if (!register(name)) continue;
    if (tf.getBackend() === name || (await select(name, options.threads))) {
      if (name === 'cpu' && requested === undefined) {
        console.warn('tfjs backend: the WebAssembly backend did not start here, so the lectures run on cpu, ' +
          'many times slower (reinstall with npm ci to get it back)');
      }
      await tf.ready();
      if (reported !== name && !options.quiet) {
        const threads = wasmThreadCount();
        const wasm = engineOn() ? ` (SIMD, ${threads} thread${threads > 1 ? 's' : ''}; ${nativeBlasStatus()})` : ' (stock tfjs, without the engine)';
        console.log(`tfjs backend: ${name}` + (name === 'wasm' ? wasm : ''));
      }
      reported = name;
      return name;
    }
  }
  const hint = requested === 'tensorflow'
    ? 'install it with `npm install @tensorflow/tfjs-node` on a machine with internet access, or unset VI_BACKEND'
    : 'reinstall the npm dependencies (npm ci)';
  throw new BackendError(`tfjs backend "${requested ?? ORDER.join('/')}" could not be initialised`, hint);
}

/**
 * Runs fn on another backend, then returns to the current one: for comparing the float32 results
 * of backends. tfjs's advice to install tfjs-node, printed at the cpu backend's first use, is
 * silenced meanwhile; fn's tensors must be read and disposed inside it.
 */
export async function onBackend<T>(name: BackendName, fn: () => T): Promise<T> {
  if (!ORDER.includes(name) || !register(name)) {
    throw new BackendError(`backend "${name}" is not available here`, `use one of ${ORDER.filter((n) => register(n)).join(', ')}`);
  }
  const home = tf.getBackend();
  const quiet = tf.env().getBool('PROD'); // in tfjs 4 this flag only silences warnings
  tf.env().set('PROD', true);
  try {
    await select(name);
    return fn();
  } finally {
    await tf.setBackend(home);
    tf.env().set('PROD', quiet);
  }
}

export { tf };
export { wasmThreadCount } from '../engine/wasm-threads';
