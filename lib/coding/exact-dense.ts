// The coder's float64 dense layers in WebAssembly (exact-dense-wat.ts): a module instance with its own
// memory, holding a network's weights once and its activations per batch. Same doubles as
// ExactMlp.apply's JavaScript loop, two outputs at a time.
import { EXACT_DENSE_BASE64 } from './exact-dense-binary';

let compiled: WebAssembly.Module | null = null;

/** A float64 array in the kernel's memory: its byte offset and length. */
export interface Region { offset: number; length: number }

export class ExactDenseKernel {
  private readonly memory: WebAssembly.Memory;
  private readonly denseFn: (w: number, bias: number, x: number, out: number, batch: number, inSize: number, outSize: number) => void;
  private used = 0;

  constructor() {
    compiled ??= new WebAssembly.Module(Buffer.from(EXACT_DENSE_BASE64, 'base64'));
    const exports = new WebAssembly.Instance(compiled, {}).exports as { memory: WebAssembly.Memory; dense: ExactDenseKernel['denseFn'] };
    this.memory = exports.memory;
    this.denseFn = exports.dense;
  }

  /** Reserves `length` doubles, 16-byte aligned, growing the memory as needed. */
  alloc(length: number): Region {
    const offset = Math.ceil(this.used / 16) * 16;
    this.used = offset + 8 * length;
    const missing = this.used - this.memory.buffer.byteLength;
    if (missing > 0) this.memory.grow(Math.ceil(missing / 65536));
    return { offset, length };
  }

  /** A view of a region (made afresh: growing the memory detaches earlier views). */
  view(r: Region): Float64Array {
    return new Float64Array(this.memory.buffer, r.offset, r.length);
  }

  /** out = x w + bias for `batch` rows of x (no activation). */
  dense(w: Region, bias: Region, x: Region, out: Region, batch: number, inSize: number, outSize: number): void {
    this.denseFn(w.offset, bias.offset, x.offset, out.offset, batch, inSize, outSize);
  }
}
