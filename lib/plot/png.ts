// A small PNG encoder for 8-bit grayscale or RGB images (no filtering, zlib from Node).
import * as zlib from 'zlib';
import { crc32 } from '../core/crc32';
import { ShapeError } from '../core/errors';

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Encodes `pixels` (row-major bytes, `channels` 1 = gray or 3 = RGB) as a PNG file. */
export function encodePng(pixels: Uint8Array, width: number, height: number, channels: 1 | 3 = 1): Buffer {
  if (pixels.length !== width * height * channels) {
    throw new ShapeError(`encodePng got ${pixels.length} bytes for a ${width}x${height}x${channels} image`, 'pass width * height * channels bytes');
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = channels === 1 ? 0 : 2; // colour type: gray or RGB
  const stride = width * channels;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) Buffer.from(pixels.subarray(y * stride, (y + 1) * stride)).copy(raw, y * (stride + 1) + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', new Uint8Array(0)),
  ]);
}
