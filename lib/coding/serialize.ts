// A message as bytes, so a stream can be stored and decoded later. Layout (big-endian):
//   "VIAN" | version u8 = 2 | descriptor length u8 | head u48 | words u32 | descriptor (ASCII)
//   | words x u16 (top first) | CRC-32 u32
// The descriptor names the codec that wrote the stream (its options, the numeric path, a
// fingerprint of the model), so a decoder that differs refuses the stream instead of decoding
// wrong symbols. The CRC covers everything before it, so corruption is reported too.
import { crc32 } from '../core/crc32';
import { ParameterError } from '../core/errors';
import { CodingError, HEAD_MIN, Message, Tail, WORD, pushWord, tailWords } from './message';

const MAGIC = 'VIAN';
export const FORMAT_VERSION = 2;
const HEADER = 16;
const MAX_DESCRIPTOR = 255;

function checkDescriptor(descriptor: string): void {
  if (typeof descriptor !== 'string' || descriptor.length === 0 || descriptor.length > MAX_DESCRIPTOR || !/^[\x20-\x7e]+$/.test(descriptor)) {
    throw new ParameterError(`a codec descriptor must be 1 to ${MAX_DESCRIPTOR} printable ASCII characters, got ${JSON.stringify(descriptor)}`,
      "pass the coder's descriptor (for example vaeCoder(...).descriptor)");
  }
}

export function serializeMessage(m: Message, descriptor: string): Uint8Array {
  checkDescriptor(descriptor);
  const words = tailWords(m.tail);
  const body = HEADER + descriptor.length;
  const out = Buffer.alloc(body + 2 * words.length + 4);
  out.write(MAGIC, 0, 'ascii');
  out[4] = FORMAT_VERSION;
  out[5] = descriptor.length;
  out.writeUIntBE(m.head, 6, 6);
  out.writeUInt32BE(words.length, 12);
  out.write(descriptor, HEADER, 'ascii');
  words.forEach((w, i) => out.writeUInt16BE(w, body + 2 * i));
  out.writeUInt32BE(crc32(out.subarray(0, out.length - 4)), out.length - 4);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** 'name a=1 b=2' -> fields that differ between what the stream says and what the decoder is. */
function descriptorDifferences(stream: string, decoder: string): string[] {
  const fields = (d: string) => {
    const [name, ...rest] = d.split(' ');
    return new Map([['codec', name], ...rest.map((f) => f.split('=') as [string, string])]);
  };
  const a = fields(stream);
  const b = fields(decoder);
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  return keys.filter((k) => a.get(k) !== b.get(k)).map((k) => `${k}: stream ${a.get(k) ?? '(none)'}, decoder ${b.get(k) ?? '(none)'}`);
}

/**
 * Parses bytes written by serializeMessage; throws CodingError for foreign, truncated or corrupt
 * input, and, when `expected` (the decoder's descriptor) is given, for a stream written by another
 * codec, naming each option that differs.
 */
export function deserializeMessage(bytes: Uint8Array, expected?: string): { message: Message; descriptor: string } {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 4 || b.toString('ascii', 0, 4) !== MAGIC) {
    throw new CodingError('the stream does not start with "VIAN": it is not a message of this library', 'pass bytes written by serializeMessage');
  }
  if (b.length < HEADER + 4) throw new CodingError(`the stream is truncated (${b.length} bytes, a header needs ${HEADER + 4})`, 'pass the complete stream');
  if (b[4] !== FORMAT_VERSION) throw new CodingError(`the stream has format version ${b[4]}, this library reads version ${FORMAT_VERSION}`, 'decode it with the library version that wrote it');
  const n = b.readUInt32BE(12);
  const body = HEADER + b[5];
  const size = body + 2 * n + 4;
  if (b.length !== size) {
    throw new CodingError(`the stream declares ${n} words (${size} bytes) but has ${b.length} bytes`, 'the stream is truncated or has trailing bytes; pass the complete stream');
  }
  if (crc32(b.subarray(0, b.length - 4)) !== b.readUInt32BE(b.length - 4)) {
    throw new CodingError('the stream is corrupt (CRC-32 mismatch)', 'the bytes were changed after writing; recover the original stream');
  }
  const descriptor = b.toString('latin1', HEADER, body);
  if (!/^[\x20-\x7e]+$/.test(descriptor)) throw new CodingError('the stream\'s codec descriptor is not printable ASCII', 'the stream is corrupt');
  if (expected !== undefined && descriptor !== expected) {
    throw new CodingError(`the stream was written by another codec (${descriptorDifferences(descriptor, expected).join('; ')})`,
      'decode with the model and codec options that encoded it; the stream\'s header lists them');
  }
  const head = b.readUIntBE(6, 6);
  if (head < HEAD_MIN || head >= HEAD_MIN * WORD) throw new CodingError(`the stream's head ${head} is out of range`, 'the stream is corrupt');
  let tail: Tail | null = null;
  for (let i = n - 1; i >= 0; i--) tail = pushWord(tail, b.readUInt16BE(body + 2 * i));
  return { message: { head, tail }, descriptor };
}
