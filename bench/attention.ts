// Benchmark: the training steps of the attention lecture's translation task (batches of 64 sentences
// of 12 words, Adam): the encoder-decoder Transformer (width 32, 4 heads, feed-forward 64, 2 layers
// each side, pre-norm, sinusoidal positions) and the GRU encoder-decoder (width 58, about as many
// weights), tfjs against the same steps in PyTorch (bench/attention_torch.py), alternating rounds.
// Usage: node dist/bench/attention.js [--steps 50] [--rounds 5] [--warmup 2] [--torch-threads 1,2]
import { initBackend } from '../lib/core/backend';
import * as tf from '../lib/core/tf';
import { Key } from '../lib/core/random';
import { adam } from '../lib/core/adam';
import { parameterCount } from '../lib/nn';
import { GRU_WIDTH, GruSeq2Seq, SOURCE_VOCABULARY, TRANSLATOR, Seq2SeqTransformer, SequenceToSequence, TARGET_VOCABULARY, ambiguityBatch, sequenceCrossEntropy } from '../lib/attention';
import { parseArgs } from '../scripts/args';
import { ThreadSettings, formatRatio, formatReference, interleave, threadCounts } from './rounds';


async function main() {
  const args = parseArgs({ steps: '50', rounds: '5', warmup: '2', 'torch-threads': '1,2' });
  const steps = Number(args.steps), rounds = Number(args.rounds);
  const backend = await initBackend({ quiet: true });
  const models: Record<'transformer' | 'gru', SequenceToSequence> = {
    transformer: new Seq2SeqTransformer(TRANSLATOR, SOURCE_VOCABULARY.size, TARGET_VOCABULARY.size, Key.fromSeed(1)),
    gru: new GruSeq2Seq(GRU_WIDTH, SOURCE_VOCABULARY.size, TARGET_VOCABULARY.size, Key.fromSeed(1)),
  };
  const names = ['transformer', 'gru'] as const;
  const optimizers = { transformer: adam(3e-3), gru: adam(3e-3) };
  const batch = ambiguityBatch(Key.fromSeed(2), 64, 12, 5); // the data's content does not change the cost
  const oneStep = (which: 'transformer' | 'gru') => {
    const model = models[which];
    const loss = optimizers[which].minimize(() => sequenceCrossEntropy(model.apply(batch.source, batch.targetIn).logits, batch.targetOut), true, model.variables)!;
    loss.dataSync();
    loss.dispose();
  };
  for (let i = 0; i < 5; i++) names.forEach(oneStep);
  const reference = await ThreadSettings.start('attention_torch.py', ['--steps', String(steps)], threadCounts(args['torch-threads']));
  const result = await interleave(rounds, () => {
    const timed: Record<string, number> = {};
    for (const which of names) {
      const t0 = performance.now();
      for (let i = 0; i < steps; i++) oneStep(which);
      timed[which] = (performance.now() - t0) / 1000 / steps;
    }
    return timed;
  }, reference, (r, mine) => console.error(`round ${r + 1}/${rounds}: ${names.map((m) => `${m} ${(1000 * mine[m]).toFixed(2)} ms`).join(', ')}`), Number(args.warmup));
  console.log(`\nAttention lecture: translation-task training steps (64 sentences of 12 words, Adam)\n`);
  console.log(`${'model'.padEnd(40)}${`tfjs ${backend} ms`.padStart(16)}${'PyTorch, fastest setting'.padStart(38)}${'tfjs steps/s'.padStart(16)}${'ratio (range)'.padStart(22)}`);
  for (const which of names) {
    const r = result[which];
    const label = `${which === 'transformer' ? 'Transformer 2+2 layers, width 32' : `GRU encoder-decoder, width ${GRU_WIDTH}`} (${(parameterCount(models[which].variables) / 1000).toFixed(1)}k)`;
    console.log(`${label.padEnd(40)}${(1000 * r.ours).toFixed(2).padStart(16)}${formatReference(r).padStart(38)}${(1 / r.ours).toFixed(0).padStart(16)}${formatRatio(r).padStart(22)}`);
  }
  console.log(`(medians of ${rounds} alternating rounds of ${steps} steps after ${args.warmup} untimed rounds on both sides; ratio = PyTorch seconds / tfjs seconds per step; PyTorch at its fastest of ${args['torch-threads']} threads)`);
  names.forEach((m) => models[m].dispose());
  Object.values(optimizers).forEach((o) => o.dispose());
  tf.dispose([batch.source, batch.targetIn, batch.targetOut]);
}

main().catch((e) => { console.error(e); process.exit(1); });
