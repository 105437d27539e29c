// The one seam between tfjs and the engine: installEngine() puts our kernels in place of
// tfjs-backend-wasm's own (each falls back to tfjs's where it does not apply). A kernel that fails
// to install is named; nothing falls back silently.
import { BackendError } from '../core/errors';
import { markEngineInstalled } from './switch';
import { registerFusedAdam } from '../core/adam';
import { fusedAdamUpdate } from './fused-adam';
import { installHeapSlice } from './wasm-slice';
import { installHeapColumnSum, installHeapTranspose } from './wasm-transpose';
import { installHeapConcat, installHeapPack } from './wasm-concat';
import { installHeapMatMul } from './wasm-matmul';
import { installHeapBinary } from './wasm-binary';
import { installHeapUnary } from './wasm-unary';
import { installSharedIdentity } from './wasm-identity';
import { installHeapPieces } from './wasm-pieces';
import { installHeapTile } from './wasm-tile';
import { installTileGradient } from './tile-gradient';
import { installHeapReverse } from './wasm-reverse';
import { installHeapGather } from './wasm-gather';
import { installHeapCompare } from './wasm-compare';
import { installLightSaves } from './light-saves';
import { installLeanGradients } from './lean-gradients';
import { installBackprop } from './backprop';

/** The tfjs version whose wasm backend the engine's kernels replace (its heap layout and kernel names). */
export const ENGINE_TFJS_VERSION = '4.22.0';

/** The kernels the engine installs over tfjs-backend-wasm's own, by name. */
export const ENGINE_KERNELS: [string, () => void][] = [
  ['Slice', installHeapSlice], ['Transpose', installHeapTranspose], ['column sum', installHeapColumnSum],
  ['Concat', installHeapConcat], ['Pack', installHeapPack], ['MatMul', installHeapMatMul], ['binary element-wise', installHeapBinary],
  ['unary element-wise', installHeapUnary], ['Identity', installSharedIdentity], ['Unpack and SplitV', installHeapPieces],
  ['Tile', installHeapTile], ['Reverse', installHeapReverse], ['GatherV2', installHeapGather],
  ['comparisons', installHeapCompare], ['Tile\'s gradient', installTileGradient], ['saved tensors', installLightSaves],
  ['the gradients of Add, Sub, Multiply, Square, Sum, Mean, Tanh, Sigmoid and Relu', installLeanGradients], ['the backward pass', installBackprop],
];

/** Installs every engine kernel on the registered tfjs-backend-wasm of version `wasmVersion`. */
export function installEngine(wasmVersion: string): void {
  if (wasmVersion !== ENGINE_TFJS_VERSION) {
    throw new BackendError(`tfjs-backend-wasm ${wasmVersion} is installed, but the engine's kernels are built for ${ENGINE_TFJS_VERSION}`,
      'install the pinned versions with npm ci (package-lock.json), or run on unmodified tfjs with VI_ENGINE=stock');
  }
  markEngineInstalled();
  registerFusedAdam(fusedAdamUpdate);
  for (const [kernel, install] of ENGINE_KERNELS) {
    try {
      install();
    } catch (e) {
      throw new BackendError(`the engine's ${kernel} kernel could not be installed on tfjs-backend-wasm ${wasmVersion}: ${(e as Error).message}`,
        'reinstall the pinned packages with npm ci; if that does not help, run on unmodified tfjs (VI_ENGINE=stock) and report the message');
    }
  }
}
