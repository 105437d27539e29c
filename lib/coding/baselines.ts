// General-purpose compressors as baselines for model-based coding: gzip and brotli from Node's zlib,
// bzip2 and xz from Debian's command-line tools, all at their strongest settings.
import { spawnSync } from 'child_process';
import * as zlib from 'zlib';
import { DataError } from '../core/errors';

/** Packs 0/1 values into bytes, 8 per byte (the raw size of a binary image set). */
export function packBits(bits: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(Math.ceil(bits.length / 8));
  for (let i = 0; i < bits.length; i++) if (bits[i]) out[i >> 3] |= 0x80 >> (i & 7);
  return out;
}

function external(tool: string, args: string[], input: Uint8Array, pkg: string): number {
  const run = spawnSync(tool, args, { input, maxBuffer: 1 << 30 });
  if (run.error || run.status !== 0) {
    throw new DataError(`${tool} is not available (${run.error?.message ?? run.stderr.toString().trim()})`, `install it with apt-get install ${pkg}`);
  }
  return run.stdout.length;
}

/** Compressed sizes in bytes of `data` by gzip -9, brotli (quality 11), bzip2 -9 and xz -9e. */
export function compressedSizes(data: Uint8Array): Record<'gzip' | 'brotli' | 'bzip2' | 'xz', number> {
  return {
    gzip: zlib.gzipSync(data, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length } }).length,
    bzip2: external('bzip2', ['-9', '-c'], data, 'bzip2'),
    xz: external('xz', ['-9e', '-c'], data, 'xz-utils'),
  };
}
