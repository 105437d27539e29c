// Compiling a module that comes in two builds: one with relaxed SIMD's fused multiply-add, which
// Node 20 keeps behind a V8 flag (we set it; this works under tslab too), and one with multiply then
// add, for a V8 that refuses it. lib/engine/gemm.ts and lib/engine/heap-kernels.ts both compile so.
import * as v8 from 'v8';

/** The fused build if this V8 can compile it (and `preferFused`), else the unfused one. Binaries are base64. */
export function compileRelaxedSimd(fusedBase64: string, unfusedBase64: string, preferFused = true): { module: WebAssembly.Module; binary: Uint8Array; fused: boolean } {
  if (preferFused) {
    const binary = Buffer.from(fusedBase64, 'base64');
    try {
      v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
      return { module: new WebAssembly.Module(binary), binary, fused: true };
    } catch {
      // this V8 has no relaxed SIMD: the build with mul + add
    }
  }
  const binary = Buffer.from(unfusedBase64, 'base64');
  return { module: new WebAssembly.Module(binary), binary, fused: false };
}
