// Parser for the IDX format of MNIST and Fashion-MNIST (gzipped or not), checking magic and sizes.
import * as fs from 'fs';
import * as zlib from 'zlib';
import { DataError } from '../core/errors';

export interface IdxArray {
  /** Sizes of the dimensions, e.g. [60000, 28, 28]. */
  dims: number[];
  /** The unsigned bytes, row-major. */
  data: Uint8Array;
}

/** Parses IDX bytes (type 0x08, unsigned byte); `source` names the file in errors. */
export function parseIdx(bytes: Uint8Array, source = 'IDX data'): IdxArray {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = zlib.gunzipSync(bytes);
    } catch (e) {
      throw new DataError(`${source} looks gzipped but does not decompress (${(e as Error).message})`, 'download or reinstall the file; it is corrupt or truncated');
    }
  }
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataError(`${source} is not an IDX file (its first two bytes are not zero)`, 'pass an IDX file such as train-images-idx3-ubyte');
  }
  if (bytes[2] !== 0x08) {
    throw new DataError(`${source} holds IDX type 0x${bytes[2].toString(16)}, only unsigned bytes (0x08) are supported`, 'pass an unsigned-byte IDX file');
  }
  const rank = bytes[3];
  const header = 4 + 4 * rank;
  if (rank < 1 || bytes.length < header) {
    throw new DataError(`${source} has a truncated header (rank ${rank}, ${bytes.length} bytes)`, 'reinstall the file; it is truncated');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length - header !== size) {
    throw new DataError(`${source} declares dims [${dims.join(', ')}] = ${size} bytes but holds ${bytes.length - header}`,
      'reinstall the file; it is truncated or corrupt');
  }
  return { dims, data: bytes.subarray(header) };
}

/** Reads and parses an IDX file; `hint` says how to get the file when it is missing. */
export function readIdx(path: string, hint: string): IdxArray {
  if (!fs.existsSync(path)) throw new DataError(`data file ${path} is missing`, hint);
  return parseIdx(fs.readFileSync(path), path);
}
