// A message as bytes, so a stream can be stored and decoded later. Layout (big-endian):
//   "VIAN" | version u8 = 1 | precision u8 | head u48 | words u32 | words x u16 (top first) | CRC-32 u32
// The CRC covers everything before it, so corruption is reported instead of decoded.
import { crc32 } from '../core/crc32';
import { CodingError, HEAD_MIN, Message, Tail, WORD, pushWord } from './message';

const MAGIC = 'VIAN';
export const FORMAT_VERSION = 1;
const HEADER = 16;

export function serializeMessage(m: Message, precision: number): Uint8Array {
  const words: number[] = [];
  for (let t = m.tail; t; t = t.next) words.push(t.word);
  const out = Buffer.alloc(HEADER + 2 * words.length + 4);
  out.write(MAGIC, 0, 'ascii');
  out[4] = FORMAT_VERSION;
  out[5] = precision;
  out.writeUIntBE(m.head, 6, 6);
  out.writeUInt32BE(words.length, 12);
  words.forEach((w, i) => out.writeUInt16BE(w, HEADER + 2 * i));
  out.writeUInt32BE(crc32(out.subarray(0, out.length - 4)), out.length - 4);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** Parses bytes written by serializeMessage; throws CodingError for foreign, truncated or corrupt input. */
export function deserializeMessage(bytes: Uint8Array): { message: Message; precision: number } {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 4 || b.toString('ascii', 0, 4) !== MAGIC) {
    throw new CodingError('the stream does not start with "VIAN": it is not a message of this library', 'pass bytes written by serializeMessage');
  }
  if (b.length < HEADER + 4) throw new CodingError(`the stream is truncated (${b.length} bytes, a header needs ${HEADER + 4})`, 'pass the complete stream');
  if (b[4] !== FORMAT_VERSION) throw new CodingError(`the stream has format version ${b[4]}, this library reads version ${FORMAT_VERSION}`, 'decode it with the library version that wrote it');
  const n = b.readUInt32BE(12);
  const expected = HEADER + 2 * n + 4;
  if (b.length !== expected) {
    throw new CodingError(`the stream declares ${n} words (${expected} bytes) but has ${b.length} bytes`, 'the stream is truncated or has trailing bytes; pass the complete stream');
  }
  if (crc32(b.subarray(0, b.length - 4)) !== b.readUInt32BE(b.length - 4)) {
    throw new CodingError('the stream is corrupt (CRC-32 mismatch)', 'the bytes were changed after writing; recover the original stream');
  }
  const head = b.readUIntBE(6, 6);
  if (head < HEAD_MIN || head >= HEAD_MIN * WORD) throw new CodingError(`the stream's head ${head} is out of range`, 'the stream is corrupt');
  let tail: Tail | null = null;
  for (let i = n - 1; i >= 0; i--) tail = pushWord(tail, b.readUInt16BE(HEADER + 2 * i));
  return { message: { head, tail }, precision: b[5] };
}
