// Tensors saved for a backward pass, without a kernel call or a tape node each. tfjs's engine clones
// every tensor a gradient will need (Engine.clone): it runs the Identity kernel and records the clone
// on the tape, so that a gradient of the backward pass itself can flow back through the saved copy.
// Add, Sub and Multiply save both inputs, Reshape and Sum their input: the tape of a small model's
// step held about two clone nodes per operation, and every one of them cost a kernel dispatch and a
// place in tfjs's scans of the tape. Here a saved tensor shares its input's memory under one more
// reference (what the Identity kernel does, without the dispatch), and its tape node is written only
// when it can matter: when a gradient is taken inside another gradient. Clones made while one
// gradient records are remembered and put on the tape when a nested gradient starts, before any of
// its operations, which is where a node that only feeds later operations may stand.
import * as tf from '../core/tf';

interface TensorRecord { backend: { incRef?(dataId: object): void } }

interface EngineInternals {
  state: { gradientDepth: number; activeTape: unknown[] | null; tensorInfo: Map<object, TensorRecord> };
  clone(x: tf.Tensor): tf.Tensor;
  startTape(): void;
  makeTensorFromTensorInfo(info: tf.TensorInfo): tf.Tensor;
  addTapeNode(kernelName: string, inputs: Record<string, tf.Tensor>, outputs: tf.Tensor[],
    gradient: (dy: tf.Tensor) => Record<string, () => tf.Tensor>, saved: tf.Tensor[], attrs: object): void;
}

let originals: { clone: EngineInternals['clone']; startTape: EngineInternals['startTape'] } | null = null;
// clones made while a single gradient records, not yet on the tape (they belong to `pendingTape`):
// input, clone, input, clone, ...
let pending: tf.Tensor[] = [];
let pendingTape: unknown[] | null = null;

function recordClone(engine: EngineInternals, x: tf.Tensor, y: tf.Tensor): void {
  // the Identity kernel's gradient, as tfjs records it for its own clones
  engine.addTapeNode(tf.Identity, { x }, [y], (dy) => ({ x: () => tf.cast(dy, 'float32') }), [], {});
}

/** Puts the clones remembered for the active tape on it (a nested gradient is about to record). */
function flush(engine: EngineInternals): void {
  if (pendingTape === engine.state.activeTape) for (let i = 0; i < pending.length; i += 2) recordClone(engine, pending[i], pending[i + 1]);
  pending = [];
  pendingTape = null;
}

/** Replaces tfjs's saved-tensor clone by a shared reference (see the header). Idempotent. */
export function installLightSaves(): void {
  if (originals) return;
  const engine = tf.engine() as unknown as EngineInternals;
  originals = { clone: engine.clone, startTape: engine.startTape };
  const { clone, startTape } = originals;
  engine.clone = function lightClone(this: EngineInternals, x: tf.Tensor): tf.Tensor {
    const record = this.state.tensorInfo.get(x.dataId);
    if (!record || x.dtype === 'string' || typeof record.backend.incRef !== 'function') return clone.call(this, x);
    record.backend.incRef(x.dataId);
    const y = this.makeTensorFromTensorInfo({ dataId: x.dataId, shape: x.shape, dtype: x.dtype });
    if (this.state.gradientDepth > 1) {
      recordClone(this, x, y);
    } else {
      if (pendingTape !== this.state.activeTape) {
        pending = [];
        pendingTape = this.state.activeTape;
      }
      pending.push(x, y);
    }
    return y;
  };
  engine.startTape = function startTapeAfterClones(this: EngineInternals): void {
    if (this.state.gradientDepth > 0) flush(this);
    startTape.call(this);
  };
}

/** Puts tfjs's own clone back (tests compare the two). */
export function uninstallLightSaves(): void {
  if (!originals) return;
  const engine = tf.engine() as unknown as EngineInternals;
  engine.clone = originals.clone;
  engine.startTape = originals.startTape;
  originals = null;
  pending = [];
  pendingTape = null;
}

/** Whether saved tensors are shared references now. */
export const lightSavesInstalled = (): boolean => originals !== null;
