// A Transpose kernel for the wasm backend that moves matrices in 4 x 4 SIMD blocks (heap-wat.ts).
//
// tfjs-backend-wasm 4.22's Transpose moves one element at a time through a general index loop:
// 3-6 ns per element here, 46 us for a 256 x 64 activation and 2.3 ms for 512 x 784. lib/nn's
// dense layer transposes every activation in its backward pass, so a MADE VAE step spent 3 ms (a
// fifth of it) in Transpose. Only rank-2 transposes of 32-bit values take this path; any other
// transpose runs tfjs's kernel. The values are the same bits, moved.
import * as tf from './tf';
import { heapKernels, heapOffset } from './heap-kernels';

let installed = false;

/** How many transposes our kernel has done (tests check that the path is taken). */
export const heapTransposeCount = { calls: 0 };

/** Replaces the wasm Transpose kernel by ours for matrices of float32 or int32. Idempotent. */
export function installHeapTranspose(): void {
  if (installed) return;
  const original = tf.getKernel(tf.Transpose, 'wasm');
  if (!original) return; // the wasm backend is not registered
  tf.unregisterKernel(tf.Transpose, 'wasm');
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      const { perm } = args.attrs as unknown as { perm: number[] };
      const kernels = heapKernels(args.backend);
      if (!kernels || x.shape.length !== 2 || perm[0] !== 1 || (x.dtype !== 'float32' && x.dtype !== 'int32')) return original.kernelFunc(args);
      const [rows, cols] = x.shape;
      const out = kernels.backend.makeOutput([cols, rows], x.dtype);
      if (rows * cols > 0) kernels.transpose(heapOffset(kernels.backend, x), heapOffset(kernels.backend, out), rows, cols);
      heapTransposeCount.calls++;
      return out;
    },
  });
  installed = true;
}
