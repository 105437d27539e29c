// Text for the decoder-only language model: the prose of this lecture series itself, the markdown
// cells of every notebook, so that nothing is downloaded. Mathematics ($…$) and link targets are cut,
// characters outside a small alphabet dropped, and runs of white space become one space.
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '../core/tf';
import { DataError, ParameterError, checkInt } from '../core/errors';
import { Key, uniform } from '../core/random';

/** Lower-case letters, digits, space and common punctuation: the model's alphabet. */
export const ALPHABET = " abcdefghijklmnopqrstuvwxyz0123456789.,;:!?'()-";

/** The markdown of every notebook in `dir`, in file order, reduced to ALPHABET. */
export function lectureCorpus(dir: string): string {
  if (!fs.existsSync(dir)) throw new DataError(`no notebooks at ${dir}`, 'pass the notebooks/ folder of the repository');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ipynb')).sort();
  if (files.length === 0) throw new DataError(`${dir} holds no .ipynb files`, 'pass the notebooks/ folder of the repository');
  const prose = files.flatMap((f) => {
    const nb = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    return (nb.cells as { cell_type: string; source: string[] | string }[])
      .filter((c) => c.cell_type === 'markdown')
      .map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source));
  });
  const words = prose.join('\n').replace(/\$\$[\s\S]*?\$\$/g, ' ').replace(/\$[^$]*\$/g, ' ').replace(/\]\([^)]*\)/g, ']');
  return reduceToAlphabet(words);
}

/** A corpus saved as text (the language run keeps the one it trained on), checked against ALPHABET. */
export function readCorpus(file: string): string {
  if (!fs.existsSync(file)) throw new DataError(`${file} is missing`, 'restore data/attention from git, or run `npm run attention -- --experiment language` to write it');
  const text = fs.readFileSync(file, 'utf8').replace(/\n$/, '');
  const stray = Array.from(text).find((c) => !ALPHABET.includes(c));
  if (stray !== undefined) throw new DataError(`${file} holds '${stray}', outside the model's alphabet`, 'use the corpus.txt written by the language run, or reduce the text with reduceToAlphabet');
  return text;
}

/** Lower-cases, drops characters outside ALPHABET, and collapses white space. */
export function reduceToAlphabet(text: string): string {
  const kept = Array.from(text.toLowerCase().replace(/\s+/g, ' ')).filter((c) => ALPHABET.includes(c));
  return kept.join('').replace(/ +/g, ' ').trim();
}

/** Symbol ids of the text (indices into ALPHABET). */
export function encodeText(text: string): Int32Array {
  return Int32Array.from(Array.from(text), (c) => {
    const i = ALPHABET.indexOf(c);
    if (i < 0) throw new ParameterError(`'${c}' is not in the alphabet`, 'reduce the text with reduceToAlphabet first');
    return i;
  });
}

export function decodeText(ids: ArrayLike<number>): string {
  return Array.from(ids, (i) => ALPHABET[i] ?? '?').join('');
}

/** n windows of length + 1 characters at random offsets: tokens are the first `length`, targets the next. */
export function textBatch(key: Key, ids: Int32Array, n: number, length: number): { tokens: tf.Tensor2D; targets: tf.Tensor2D } {
  checkInt('n', n, 1);
  checkInt('length', length, 1);
  if (ids.length < length + 1) throw new DataError(`a text of ${ids.length} characters has no window of ${length + 1}`, 'use a longer text or shorter windows');
  const u = uniform(key, [n]);
  const starts = Array.from(u.dataSync(), (v) => Math.min(ids.length - length - 1, Math.floor(v * (ids.length - length))));
  u.dispose();
  const tokens = new Int32Array(n * length), targets = new Int32Array(n * length);
  starts.forEach((s, b) => {
    tokens.set(ids.subarray(s, s + length), b * length);
    targets.set(ids.subarray(s + 1, s + length + 1), b * length);
  });
  return { tokens: tf.tensor2d(tokens, [n, length], 'int32'), targets: tf.tensor2d(targets, [n, length], 'int32') };
}
