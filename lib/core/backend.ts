// Backend choice: the native TensorFlow binding where it is installed, else WebAssembly, else plain
// JavaScript. VI_BACKEND=tensorflow|wasm|cpu overrides the order. The choice is reported once.
import * as tf from './tf';
import { BackendError } from './errors';
import { defaultWasmThreads, wasmThreadCount, withWasmThreads } from './wasm-threads';
import { installHeapSlice } from './wasm-slice';
import { installHeapColumnSum, installHeapTranspose } from './wasm-transpose';
import { installHeapConcat } from './wasm-concat';
import { installHeapMatMul } from './wasm-matmul';
import { installHeapBinary } from './wasm-binary';
import { installHeapUnary } from './wasm-unary';
import { installSharedIdentity } from './wasm-identity';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
const ORDER: BackendName[] = ['tensorflow', 'wasm', 'cpu'];

let reported: BackendName | null = null;

/** The tfjs version whose wasm backend the engine's kernels replace (its heap layout and kernel names). */
export const ENGINE_TFJS_VERSION = '4.22.0';

/** The kernels the engine installs over tfjs-backend-wasm's own, by name. */
const ENGINE_KERNELS: [string, () => void][] = [
  ['Slice', installHeapSlice], ['Transpose', installHeapTranspose], ['column sum', installHeapColumnSum],
  ['Concat', installHeapConcat], ['MatMul', installHeapMatMul], ['binary element-wise', installHeapBinary],
  ['unary element-wise', installHeapUnary], ['Identity', installSharedIdentity],
];

/** The version of an installed package, or undefined when it is not installed. */
function installedVersion(pkg: string): string | undefined {
  try {
    return require(`${pkg}/package.json`).version;
  } catch {
    return undefined;
  }
}

/**
 * Registers the backend's package with tfjs; returns false when the package is not installed here.
 * A wasm package of another version, or an engine kernel that fails to install, is a BackendError:
 * the lectures would otherwise fall back to a backend many times slower without saying why.
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
    if (version !== ENGINE_TFJS_VERSION) {
      throw new BackendError(`tfjs-backend-wasm ${version} is installed, but the engine's kernels are built for ${ENGINE_TFJS_VERSION}`,
        'install the pinned versions with npm ci (package-lock.json), or choose another backend with VI_BACKEND=cpu');
    }
    require('@tensorflow/tfjs-backend-wasm');
    for (const [kernel, install] of ENGINE_KERNELS) {
      try {
        install();
      } catch (e) {
        throw new BackendError(`the engine's ${kernel} kernel could not be installed on tfjs-backend-wasm ${version}: ${(e as Error).message}`,
          'reinstall the pinned packages with npm ci; if that does not help, run on the cpu backend (VI_BACKEND=cpu) and report the message');
      }
    }
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
}

/** Switches to a backend, starting the threaded wasm build the first time wasm is chosen with threads > 1. */
async function select(name: BackendName, threads?: number): Promise<boolean> {
  const wasmStarted = tf.engine().registry.wasm !== undefined;
  const n = threads ?? defaultWasmThreads();
  if (name !== 'wasm' || wasmStarted || n <= 1) return tf.setBackend(name);
  return withWasmThreads(n, () => tf.setBackend(name));
}

/** Picks and initialises the backend; call it (and await it) before the first tensor op. */
export async function initBackend(options: BackendOptions = {}): Promise<BackendName> {
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
        console.log(`tfjs backend: ${name}` + (name === 'wasm' ? ` (SIMD, ${threads} thread${threads > 1 ? 's' : ''})` : ''));
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
export { wasmThreadCount } from './wasm-threads';
