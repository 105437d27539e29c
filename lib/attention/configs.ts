// The models of the attention lecture, shared by its notebook, its long runs (scripts/run-attention.ts)
// and the benchmark: each size chosen once, here.
import { TransformerConfig } from './transformer';

/** Sentences of the translation task. */
export const SENTENCE_LENGTH = 12;

/** The encoder-decoder of the translation task: 2 layers each side, width 32, 4 heads. */
export const TRANSLATOR: TransformerConfig = { width: 32, heads: 4, hidden: 64, layers: 2, maxLength: 16, positions: 'sinusoidal', norm: 'pre', residual: true };

/** The GRU encoder-decoder's width: about the translator's number of weights (46 k). */
export const GRU_WIDTH = 58;

/** The decoder-only sorter: the size of minGPT's 'gpt-nano' (3 layers, width 48, 3 heads). */
export const SORTER: TransformerConfig = { width: 48, heads: 3, hidden: 192, layers: 3, maxLength: 11, positions: 'learned', norm: 'pre', residual: true };

/** The character model of the lectures' prose: 3 layers, width 64, 64 characters of context. */
export const WRITER: TransformerConfig = { width: 64, heads: 4, hidden: 256, layers: 3, maxLength: 64, positions: 'learned', norm: 'pre', residual: true };

/** One change to the translator at a time. */
export const ABLATIONS: Record<string, Partial<TransformerConfig>> = {
  'as built': {},
  'no residual connections': { residual: false },
  'no layer norm': { norm: 'none' },
  'post-norm': { norm: 'post' },
  'one head': { heads: 1 },
  'no position encoding': { positions: 'none' },
};
