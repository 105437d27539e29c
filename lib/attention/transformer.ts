// The two Transformers of the attention lecture, built from the same blocks: an encoder-decoder
// that reads a source sequence and writes a target one (Vaswani et al. 2017), and a decoder-only
// (causal) one that predicts each symbol from the ones before it, a language model. Both return
// every layer's attention weights for plotting.
import * as tf from '../core/tf';
import { checkInt } from '../core/errors';
import { Key } from '../core/random';
import { Dense } from '../nn/dense';
import { causalMask } from './attention';
import { BlockConfig, NormPlacement, TransformerBlock } from './block';
import { PositionEncoding, PositionKind, TokenEmbedding } from './embedding';
import { LayerNorm } from './layer-norm';
import { SequenceToSequence } from './decode';

export interface TransformerConfig {
  width: number;
  heads: number;
  /** Feed-forward hidden width. */
  hidden: number;
  /** Blocks in the encoder and in the decoder (or in the one stack of a decoder-only model). */
  layers: number;
  /** The longest sequence the position encoding accepts. */
  maxLength: number;
  positions: PositionKind;
  norm: NormPlacement;
  residual: boolean;
}

/** The stack shared by both models: embedding, positions, blocks, a final norm (pre-norm only), logits. */
class Stack {
  readonly embedding: TokenEmbedding;
  readonly positions: PositionEncoding;
  readonly blocks: TransformerBlock[];
  readonly finalNorm?: LayerNorm;
  readonly readout?: Dense;

  constructor(c: TransformerConfig, vocab: number, cross: boolean, readoutVocab: number | null, key: Key, name: string) {
    checkInt('layers', c.layers, 1);
    const keys = key.split(c.layers + 3);
    this.embedding = new TokenEmbedding(vocab, c.width, keys[0], `${name}/embedding`);
    this.positions = new PositionEncoding(c.positions, c.maxLength, c.width, keys[1], `${name}/positions`);
    const block: BlockConfig = { width: c.width, heads: c.heads, hidden: c.hidden, norm: c.norm, residual: c.residual, cross };
    this.blocks = Array.from({ length: c.layers }, (_, l) => new TransformerBlock(block, keys[3 + l], `${name}/block${l}`));
    if (c.norm === 'pre') this.finalNorm = new LayerNorm(c.width, `${name}/final-norm`);
    if (readoutVocab !== null) this.readout = new Dense(c.width, readoutVocab, 'linear', keys[2], `${name}/readout`);
  }

  /** tokens [batch, T] → hidden states [batch, T, width] and each block's weights. */
  run(tokens: tf.Tensor2D, mask: tf.Tensor | undefined, context?: tf.Tensor3D, contextMask?: tf.Tensor) {
    const selfWeights: tf.Tensor4D[] = [], crossWeights: tf.Tensor4D[] = [];
    let h = this.positions.apply(this.embedding.apply(tokens));
    for (const block of this.blocks) {
      const out = block.apply(h, { mask, context, contextMask });
      selfWeights.push(out.selfWeights);
      if (out.crossWeights) crossWeights.push(out.crossWeights);
      h = out.output;
    }
    if (this.finalNorm) h = this.finalNorm.apply(h) as tf.Tensor3D;
    return { hidden: h, selfWeights, crossWeights };
  }

  logits(hidden: tf.Tensor3D): tf.Tensor3D {
    const [b, t, w] = hidden.shape;
    return tf.reshape(this.readout!.apply(tf.reshape(hidden, [b * t, w]) as tf.Tensor2D), [b, t, this.readout!.outputSize]) as tf.Tensor3D;
  }

  get variables(): tf.Variable[] {
    return [...this.embedding.variables, ...this.positions.variables, ...this.blocks.flatMap((b) => b.variables), ...(this.finalNorm?.variables ?? []), ...(this.readout?.variables ?? [])];
  }

  dispose(): void {
    this.embedding.dispose();
    this.positions.dispose();
    this.blocks.forEach((b) => b.dispose());
    this.finalNorm?.dispose();
    this.readout?.dispose();
  }
}

export interface Translation {
  /** [batch, T, targetVocab] */
  logits: tf.Tensor3D;
  encoderWeights: tf.Tensor4D[];
  decoderWeights: tf.Tensor4D[];
  /** Per decoder layer: [batch, heads, T, S], where each target position looks in the source. */
  crossWeights: tf.Tensor4D[];
}

/** An encoder-decoder Transformer. */
export class Seq2SeqTransformer implements SequenceToSequence {
  readonly encoder: Stack;
  readonly decoder: Stack;

  constructor(readonly config: TransformerConfig, readonly sourceVocab: number, readonly targetVocab: number, key: Key, name = 'transformer') {
    const [ke, kd] = key.split(2);
    this.encoder = new Stack(config, sourceVocab, false, null, ke, `${name}/encoder`);
    this.decoder = new Stack(config, targetVocab, true, targetVocab, kd, `${name}/decoder`);
  }

  /**
   * source [batch, S] and the target shifted right, targetIn [batch, T] (it starts with a start
   * symbol): the logits of each next target symbol. sourceMask ([batch, 1, 1, S], paddingMask)
   * hides source padding; position t of the target sees target positions ≤ t only.
   */
  apply(source: tf.Tensor2D, targetIn: tf.Tensor2D, sourceMask?: tf.Tensor): Translation {
    return tf.tidy(() => {
      const encoded = this.encoder.run(source, sourceMask);
      const causal = causalMask(targetIn.shape[1]);
      const decoded = this.decoder.run(targetIn, causal, encoded.hidden, sourceMask);
      return { logits: this.decoder.logits(decoded.hidden), encoderWeights: encoded.selfWeights, decoderWeights: decoded.selfWeights, crossWeights: decoded.crossWeights };
    });
  }

  get variables(): tf.Variable[] {
    return [...this.encoder.variables, ...this.decoder.variables];
  }

  dispose(): void {
    this.encoder.dispose();
    this.decoder.dispose();
  }
}

/** A decoder-only Transformer: logits of each next symbol from the symbols up to it. */
export class CausalTransformer {
  readonly stack: Stack;

  constructor(readonly config: TransformerConfig, readonly vocab: number, key: Key, name = 'causal-transformer') {
    this.stack = new Stack(config, vocab, false, vocab, key, name);
  }

  /** tokens [batch, T] → logits [batch, T, vocab] and each layer's weights [batch, heads, T, T]. */
  apply(tokens: tf.Tensor2D): { logits: tf.Tensor3D; weights: tf.Tensor4D[] } {
    return tf.tidy(() => {
      const run = this.stack.run(tokens, causalMask(tokens.shape[1]));
      return { logits: this.stack.logits(run.hidden), weights: run.selfWeights };
    });
  }

  get variables(): tf.Variable[] {
    return this.stack.variables;
  }

  dispose(): void {
    this.stack.dispose();
  }
}
