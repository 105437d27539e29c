// tfjs's backward pass (Engine.gradients) with each tensor's gradient summed once, by one AddN, when
// it is needed. tfjs 4.22 adds every new contribution to the running sum as it comes: a weight that a
// sequence model uses at each of its 20 time steps cost 19 Add kernels per backward pass, and the
// predictive-coding step spent 799 of its 3,022 kernels on such sums. The contributions are kept
// in a list instead and summed when the operation that made the tensor is reached (every
// contribution has come by then: the tape runs backward) or at the end for the inputs asked for.
// AddN adds in the same order, so the sums are the same bits (except that -0 + -0 is +0). Since
// nothing is disposed before the pass ends, a gradient may hand dy on unchanged. The
// tape's filter (the operations on a path from the inputs to the output) keeps sets of ids, where
// tfjs tests each operation's inputs once per input asked for. Errors are tfjs's, word for word.
import * as tf from '../core/tf';

interface TapeNode {
  id: number;
  kernelName: string;
  inputs: Record<string, tf.Tensor>;
  outputs: tf.Tensor[];
  gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;
  saved?: tf.Tensor[];
}

interface EngineInternals {
  state: { gradientDepth: number; activeTape: TapeNode[] | null };
  gradients(f: () => tf.Tensor, xs: tf.Tensor[], dy?: tf.Tensor, allowNoGradients?: boolean): { value: tf.Tensor; grads: tf.Tensor[] };
  scopedRun<T>(start: () => void, end: () => void, f: () => T): T;
  startTape(): void;
  endTape(): void;
  tidy<T extends tf.TensorContainer>(nameOrFn: string | (() => T), fn?: () => T): T;
}

/** The operations on a path from `xs` to `y`, in tape order, each with only its inputs that depend on `xs`. */
export function pathsFromTo(tape: TapeNode[], xs: tf.Tensor[], y: tf.Tensor): TapeNode[] {
  const fromX = new Set(xs.map((x) => x.id));
  const reached = new Uint8Array(tape.length);
  tape.forEach((node, i) => {
    for (const name in node.inputs) {
      if (fromX.has(node.inputs[name].id)) {
        for (const o of node.outputs) fromX.add(o.id);
        reached[i] = 1;
        break;
      }
    }
  });
  const toY = new Set([y.id]);
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i];
    if (node.outputs.some((o) => toY.has(o.id))) {
      for (const name in node.inputs) toY.add(node.inputs[name].id);
      reached[i] |= 2;
    }
  }
  const paths: TapeNode[] = [];
  tape.forEach((node, i) => {
    if (reached[i] !== 3) return;
    const inputs: Record<string, tf.Tensor> = {};
    for (const name in node.inputs) if (fromX.has(node.inputs[name].id)) inputs[name] = node.inputs[name];
    paths.push({ ...node, inputs });
  });
  return paths;
}

/**
 * Contributions to each tensor's gradient, by tensor id, summed on first read. None is disposed
 * before the backward pass ends, so one tensor may stand in several lists (a gradient that passes
 * dy on to two inputs).
 */
class Contributions {
  private readonly parts = new Map<number, tf.Tensor[]>();

  add(id: number, g: tf.Tensor): void {
    const list = this.parts.get(id);
    if (list) list.push(g);
    else this.parts.set(id, [g]);
  }

  total(id: number): tf.Tensor | undefined {
    const list = this.parts.get(id);
    if (!list) return undefined;
    if (list.length > 1) list.splice(0, list.length, tf.addN(list));
    return list[0];
  }
}

function backpropagate(engine: EngineInternals, sums: Contributions, paths: TapeNode[]): void {
  for (let i = paths.length - 1; i >= 0; i--) {
    const node = paths[i];
    const dys = node.outputs.map((o) => sums.total(o.id) ?? null);
    if (node.gradient == null) throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
    const gradients = node.gradient(dys);
    for (const name in node.inputs) {
      if (!(name in gradients)) throw new Error(`Cannot backprop through input ${name}. Available gradients found: ${Object.keys(gradients)}.`);
      const dx = engine.tidy(() => gradients[name]());
      if (dx.dtype !== 'float32') {
        throw new Error(`Error in gradient for op ${node.kernelName}. The gradient of input ${name} must have 'float32' dtype, but has '${dx.dtype}'`);
      }
      const x = node.inputs[name];
      if (!tf.util.arraysEqual(dx.shape, x.shape)) {
        throw new Error(`Error in gradient for op ${node.kernelName}. The gradient of input '${name}' has shape '${dx.shape}', which does not match the shape of the input '${x.shape}'`);
      }
      sums.add(x.id, dx);
    }
  }
}

let original: EngineInternals['gradients'] | null = null;

/** Replaces Engine.gradients by the version above. Idempotent. */
export function installBackprop(): void {
  if (original) return;
  const engine = tf.engine() as unknown as EngineInternals;
  original = engine.gradients;
  engine.gradients = function gradients(this: EngineInternals, f, xs, dy, allowNoGradients = false) {
    tf.util.assert(xs.length > 0, () => 'gradients() received an empty list of xs.');
    if (dy != null && dy.dtype !== 'float32') throw new Error(`dy must have 'float32' dtype, but has '${dy.dtype}'`);
    const y = this.scopedRun(() => this.startTape(), () => this.endTape(), () => this.tidy('forward', f));
    tf.util.assert(y instanceof tf.Tensor, () => 'The result y returned by f() must be a tensor.');
    const paths = pathsFromTo(this.state.activeTape!, xs, y);
    if (!allowNoGradients && paths.length === 0 && xs.length > 0) {
      throw new Error('Cannot compute gradient of y=f(x) with respect to x. Make sure that the f you passed encloses all operations that lead from x to y.');
    }
    return this.tidy('backward', () => {
      const sums = new Contributions();
      sums.add(y.id, dy == null ? tf.ones(y.shape) : dy);
      backpropagate(this, sums, paths);
      // a gradient may pass dy on unchanged (lean-gradients.ts's Add and Sub): each result its own tensor
      const grads = xs.map((x) => sums.total(x.id)) as tf.Tensor[];
      grads.forEach((g, i) => {
        if (g && (g === dy || grads.indexOf(g) < i)) grads[i] = tf.clone(g);
      });
      if (this.state.gradientDepth === 0) {
        // not inside another gradient: the tape and what it saved are done with
        for (const node of this.state.activeTape!) for (const t of node.saved ?? []) t.dispose();
        this.state.activeTape = null;
      }
      return { value: y, grads };
    });
  };
}

/** Whether Engine.gradients is ours: then a gradient function may return dy itself. */
export const backpropInstalled = (): boolean => original !== null;

/** Puts tfjs's own Engine.gradients back (tests compare the two). */
export function uninstallBackprop(): void {
  if (!original) return;
  (tf.engine() as unknown as EngineInternals).gradients = original;
  original = null;
}
