// The attention lecture's translation task, made in code so that its answer is known: sentences
// translated word by word, in which one ambiguous word ("bark") has two translations and a cue word
// elsewhere in the sentence ("loud" or "brown") decides which, at a distance the generator controls.
// The target language's words are Polish, as in the lecture's example.
import * as tf from '../core/tf';
import { ParameterError, checkInt } from '../core/errors';
import { Key, uniform } from '../core/random';

/** An ambiguous source word, its two senses' translations, and the cue words of each sense. */
interface AmbiguousWord {
  word: string;
  senses: [string, string];
  cues: [[string, string][], [string, string][]];
}

const AMBIGUOUS: AmbiguousWord[] = [
  { word: 'bark', senses: ['szczekanie', 'kora'], cues: [[['loud', 'głośne'], ['dog', 'pies']], [['brown', 'brązowa'], ['tree', 'drzewo']]] },
  { word: 'bat', senses: ['nietoperz', 'kij'], cues: [[['cave', 'jaskinia'], ['flies', 'lata']], [['wooden', 'drewniany'], ['ball', 'piłka']]] },
  { word: 'spring', senses: ['wiosna', 'sprężyna'], cues: [[['warm', 'ciepła'], ['season', 'pora']], [['metal', 'metalowa'], ['coil', 'zwój']]] },
];

/** Words with one translation each, filling the rest of a sentence. */
const FILLERS: [string, string][] = [
  ['the', 'ten'], ['is', 'jest'], ['was', 'był'], ['very', 'bardzo'], ['and', 'i'], ['we', 'my'],
  ['saw', 'widzieliśmy'], ['heard', 'słyszeliśmy'], ['today', 'dziś'], ['there', 'tam'], ['old', 'stary'], ['quite', 'całkiem'],
];

/** The start symbol of every target sequence. */
export const START = '<s>';

export class Vocabulary {
  readonly index = new Map<string, number>();

  constructor(readonly words: string[]) {
    words.forEach((w, i) => this.index.set(w, i));
  }

  get size(): number {
    return this.words.length;
  }

  encode(word: string): number {
    const i = this.index.get(word);
    if (i === undefined) throw new ParameterError(`'${word}' is not in the vocabulary`, 'use the words of this task');
    return i;
  }

  decode(ids: ArrayLike<number>): string[] {
    return Array.from(ids, (i) => this.words[i] ?? `<${i}?>`);
  }
}

const cueWords = AMBIGUOUS.flatMap((a) => a.cues.flat());
export const SOURCE_VOCABULARY = new Vocabulary([...FILLERS.map(([s]) => s), ...AMBIGUOUS.map((a) => a.word), ...cueWords.map(([s]) => s)]);
export const TARGET_VOCABULARY = new Vocabulary([START, ...FILLERS.map(([, t]) => t), ...AMBIGUOUS.flatMap((a) => a.senses), ...cueWords.map(([, t]) => t)]);

export interface AmbiguityBatch {
  source: tf.Tensor2D;
  /** START, then the translation without its last word. */
  targetIn: tf.Tensor2D;
  targetOut: tf.Tensor2D;
  /** Per sentence: where the ambiguous word and its cue are, and the sense (0 or 1). */
  ambiguousAt: number[];
  cueAt: number[];
  sense: number[];
}

/**
 * n sentences of `length` words: one ambiguous word and one cue of its sense `distance` words away
 * (before or after it, at random where both fit), every other word a filler. Translations are word
 * by word; the ambiguous word's depends on the cue alone.
 */
export function ambiguityBatch(key: Key, n: number, length: number, distance: number): AmbiguityBatch {
  checkInt('n', n, 1);
  checkInt('length', length, 2);
  checkInt('distance', distance, 1);
  if (distance >= length) throw new ParameterError(`a cue ${distance} words away does not fit in a sentence of ${length}`, `use a distance of at most ${length - 1}`);
  const u = uniform(key, [n, 5 + length]);
  const draws = u.arraySync() as number[][];
  u.dispose();
  const pick = (v: number, k: number) => Math.min(k - 1, Math.floor(v * k));
  const sources: string[][] = [], targets: string[][] = [];
  const ambiguousAt: number[] = [], cueAt: number[] = [], sense: number[] = [];
  for (const d of draws) {
    const word = AMBIGUOUS[pick(d[0], AMBIGUOUS.length)];
    const s = pick(d[1], 2);
    const [cueSource, cueTarget] = word.cues[s][pick(d[2], word.cues[s].length)];
    // the pair takes positions p and p + distance, the cue first or second at random
    const p = pick(d[3], length - distance);
    const [cue, ambiguous] = d[4] < 0.5 ? [p, p + distance] : [p + distance, p];
    const src: string[] = [], tgt: string[] = [];
    for (let i = 0; i < length; i++) {
      const [a, b] = i === ambiguous ? [word.word, word.senses[s]] : i === cue ? [cueSource, cueTarget] : FILLERS[pick(d[5 + i], FILLERS.length)];
      src.push(a);
      tgt.push(b);
    }
    sources.push(src);
    targets.push(tgt);
    ambiguousAt.push(ambiguous);
    cueAt.push(cue);
    sense.push(s);
  }
  const ids = (v: Vocabulary, rows: string[][]) => tf.tensor2d(rows.map((r) => r.map((w) => v.encode(w))), [n, length], 'int32');
  return {
    source: ids(SOURCE_VOCABULARY, sources),
    targetIn: ids(TARGET_VOCABULARY, targets.map((t) => [START, ...t.slice(0, -1)])),
    targetOut: ids(TARGET_VOCABULARY, targets),
    ambiguousAt,
    cueAt,
    sense,
  };
}
