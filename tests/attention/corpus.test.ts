// The language model's text: the lectures' prose reduced to a small alphabet, encoded and decoded
// exactly, cut into windows whose targets are the next characters; missing or short text refused.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/core/tf';
import { Key } from '../../lib/core/random';
import { DataError } from '../../lib/core/errors';
import { ALPHABET, decodeText, encodeText, lectureCorpus, readCorpus, reduceToAlphabet, textBatch } from '../../lib/attention';

describe('the lecture corpus', () => {
  it('keeps the prose of markdown cells, without mathematics, code cells or link targets', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-'));
    const nb = { cells: [
      { cell_type: 'markdown', source: ['# A Title\n', 'The bound $\\log p(x) \\ge L$ holds [see](http://x.org).'] },
      { cell_type: 'code', source: 'const hidden = 1;' },
      { cell_type: 'markdown', source: '$$\\int f$$ Done — really!' },
    ] };
    fs.writeFileSync(path.join(dir, 'a.ipynb'), JSON.stringify(nb));
    expect(lectureCorpus(dir)).toBe('a title the bound holds see. done really!');
    expect(() => lectureCorpus(path.join(dir, 'none'))).toThrow(DataError);
  });

  it('reduces, encodes and decodes exactly', () => {
    expect(reduceToAlphabet('Héllo,\n\tWorld  (2)')).toBe('hllo, world (2)');
    const text = 'the bark is loud.';
    expect(decodeText(encodeText(text))).toBe(text);
    expect(Math.max(...encodeText(ALPHABET))).toBe(ALPHABET.length - 1);
    expect(() => encodeText('É')).toThrow(/not in the alphabet/);
  });

  it('windows: the targets are the tokens shifted by one', () => {
    const ids = encodeText('abcdefghijklmnopqrstuvwxyz');
    const { tokens, targets } = textBatch(Key.fromSeed(1), ids, 4, 5);
    const t = tokens.arraySync() as number[][], y = targets.arraySync() as number[][];
    t.forEach((row, b) => {
      expect(y[b].slice(0, 4)).toEqual(row.slice(1));
      expect(y[b][4]).toBe(row[4] + 1);
    });
    tf.dispose([tokens, targets]);
    expect(() => textBatch(Key.fromSeed(1), ids, 1, 26)).toThrow(DataError);
  });

  it('reads a saved corpus back, and refuses a missing file or a stray character', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-'));
    const file = path.join(dir, 'corpus.txt');
    fs.writeFileSync(file, 'the bark is loud.\n');
    expect(readCorpus(file)).toBe('the bark is loud.');
    expect(() => readCorpus(path.join(dir, 'none.txt'))).toThrow(/none\.txt is missing.*npm run attention/s);
    fs.writeFileSync(file, 'the Bark');
    expect(() => readCorpus(file)).toThrow(/holds 'B', outside the model's alphabet/);
  });
});
