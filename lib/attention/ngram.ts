// The baseline a character-level language model has to beat: an n-gram model, which predicts each
// symbol from the n − 1 before it by counting, with add-½ (Krichevsky–Trofimov) smoothing so that an
// unseen symbol keeps some probability. Its cross-entropy on held-out text is in bits per symbol.
import { ParameterError, checkInt } from '../core/errors';

/** Held-out bits per symbol of the order-n model counted on `train` (n = 1: symbol frequencies). */
export function nGramBits(train: ArrayLike<number>, heldOut: ArrayLike<number>, n: number, symbols: number, smoothing = 0.5): number {
  checkInt('n', n, 1);
  checkInt('symbols', symbols, 1);
  if (!(smoothing > 0)) throw new ParameterError(`smoothing ${smoothing}`, 'use a positive pseudo-count (0.5 is add-half)');
  for (const [name, text] of [['train', train], ['heldOut', heldOut]] as const) {
    if (text.length < n) throw new ParameterError(`${name} has ${text.length} symbols, fewer than n = ${n}`, 'use a longer text or a smaller n');
    for (let i = 0; i < text.length; i++) {
      const s = text[i];
      if (!Number.isInteger(s) || s < 0 || s >= symbols) throw new ParameterError(`${name}[${i}] = ${s} is not a symbol in 0..${symbols - 1}`, 'encode the text with encodeText');
    }
  }
  const context = (text: ArrayLike<number>, end: number) => Array.from({ length: n - 1 }, (_, j) => text[end - n + 1 + j]).join(',');
  const counts = new Map<string, Float64Array>();
  for (let i = n - 1; i < train.length; i++) {
    const c = context(train, i);
    if (!counts.has(c)) counts.set(c, new Float64Array(symbols + 1)); // the last entry holds the total
    const row = counts.get(c)!;
    row[train[i]] += 1;
    row[symbols] += 1;
  }
  let bits = 0;
  for (let i = n - 1; i < heldOut.length; i++) {
    const row = counts.get(context(heldOut, i));
    const p = ((row?.[heldOut[i]] ?? 0) + smoothing) / ((row?.[symbols] ?? 0) + smoothing * symbols);
    bits -= Math.log2(p);
  }
  return bits / (heldOut.length - n + 1);
}
