// Benchmark: the training steps of the attention lecture, Adam, tfjs against the same steps in PyTorch
// (bench/attention_torch.py), alternating rounds: on the translation task (batches of 64 sentences of
// 12 words) the encoder-decoder Transformer (width 32, 4 heads, feed-forward 64, 2 layers each side,
// pre-norm, sinusoidal positions) and the GRU encoder-decoder (width 58, about as many weights); the
// decoder-only sorter (64 sequences of 6 + 5 digits, minGPT's nano size) and character model (32
// windows of 64 characters).
// Usage: node dist/bench/attention.js [--steps 50] [--rounds 5] [--warmup 2] [--torch-threads 1,2]
import { initBackend } from '../lib/core/backend';
import * as tf from '../lib/core/tf';
import { Key } from '../lib/core/random';
import { adam } from '../lib/core/adam';
import { parameterCount } from '../lib/nn';
import {
  ALPHABET, CausalTransformer, GRU_WIDTH, GruSeq2Seq, SORTER, SOURCE_VOCABULARY, TRANSLATOR, Seq2SeqTransformer, TARGET_VOCABULARY, WRITER, ambiguityBatch, sequenceCrossEntropy, sortBatch, textBatch,
} from '../lib/attention';
import { parseArgs } from '../scripts/args';
import { printAnatomies } from './anatomy';
import { DEFAULT_TORCH_SETTINGS, ThreadSettings, interleave, referenceNote, stepTableHeader, stepTableRow, timeSteps, torchSettings } from './rounds';
import { saveResults } from './results';


async function main() {
  const args = parseArgs({ steps: '50', rounds: '5', warmup: '2', 'torch-threads': DEFAULT_TORCH_SETTINGS, anatomy: 'false' });
  const steps = Number(args.steps), rounds = Number(args.rounds);
  const backend = await initBackend({ quiet: true });
  const translator = new Seq2SeqTransformer(TRANSLATOR, SOURCE_VOCABULARY.size, TARGET_VOCABULARY.size, Key.fromSeed(1));
  const gru = new GruSeq2Seq(GRU_WIDTH, SOURCE_VOCABULARY.size, TARGET_VOCABULARY.size, Key.fromSeed(1));
  const sorter = new CausalTransformer(SORTER, 3, Key.fromSeed(1));
  const writer = new CausalTransformer(WRITER, ALPHABET.length, Key.fromSeed(1));
  // the data's content does not change the cost
  const sentences = ambiguityBatch(Key.fromSeed(2), 64, 12, 5);
  const digits = sortBatch(Key.fromSeed(2), 64);
  const text = textBatch(Key.fromSeed(2), Int32Array.from({ length: 5000 }, (_, i) => (7 * i) % ALPHABET.length), 32, WRITER.maxLength);
  const models = {
    transformer: { model: translator, lr: 3e-3, label: 'Transformer 2+2 layers, width 32', loss: () => sequenceCrossEntropy(translator.apply(sentences.source, sentences.targetIn).logits, sentences.targetOut) },
    gru: { model: gru, lr: 3e-3, label: `GRU encoder-decoder, width ${GRU_WIDTH}`, loss: () => sequenceCrossEntropy(gru.apply(sentences.source, sentences.targetIn).logits, sentences.targetOut) },
    sorter: { model: sorter, lr: 5e-4, label: 'sorter: 3 layers, width 48', loss: () => sequenceCrossEntropy(sorter.apply(digits.tokens).logits, digits.targets, digits.weights) },
    writer: { model: writer, lr: 1e-3, label: 'character model: 3 layers, width 64', loss: () => sequenceCrossEntropy(writer.apply(text.tokens).logits, text.targets) },
  };
  const names = Object.keys(models) as (keyof typeof models)[];
  const optimizers = Object.fromEntries(names.map((m) => [m, adam(models[m].lr)])) as Record<keyof typeof models, ReturnType<typeof adam>>;
  const oneStep = (which: keyof typeof models) => {
    const loss = optimizers[which].minimize(models[which].loss, true, models[which].model.variables)!;
    loss.dataSync();
    loss.dispose();
  };
  for (let i = 0; i < 5; i++) names.forEach(oneStep);
  const reference = await ThreadSettings.start('attention_torch.py', ['--steps', String(steps)], torchSettings(args['torch-threads']));
  const result = await interleave(rounds, () => timeSteps(names, () => steps, oneStep), reference, (r, mine) => console.error(`round ${r + 1}/${rounds}: ${names.map((m) => `${m} ${(1000 * mine[m]).toFixed(2)} ms`).join(', ')}`), Number(args.warmup));
  console.log(`\nAttention lecture: training steps (Adam; translators on 64 sentences of 12 words, the sorter on 64 sequences, the character model on 32 windows of 64)\n`);
  console.log(stepTableHeader(44, backend));
  for (const which of names) {
    const label = `${models[which].label} (${(parameterCount(models[which].model.variables) / 1000).toFixed(1)}k)`;
    console.log(stepTableRow(label, 44, result[which]));
  }
  console.log(`(medians of ${rounds} alternating rounds of ${steps} steps after ${args.warmup} untimed rounds on both sides; ratio = PyTorch seconds / tfjs seconds per step; ${referenceNote(args['torch-threads'])})`);
  saveResults({ bench: 'attention', title: 'one training step of the attention lecture (Adam): the translators on 64 sentences of 12 words, the sorter on 64 sequences, the character model on 32 windows of 64', backend, rounds, settings: args['torch-threads'], rows: names.map((m) => ({ model: `${models[m].label} (${(parameterCount(models[m].model.variables) / 1000).toFixed(1)}k)`, unit: 'ms' as const, compared: result[m] })) }, reference);
  if (args.anatomy === 'true') await printAnatomies(names, (m) => models[m].label, oneStep, steps);
  names.forEach((m) => models[m].model.dispose());
  Object.values(optimizers).forEach((o) => o.dispose());
  tf.dispose([sentences.source, sentences.targetIn, sentences.targetOut, digits.tokens, digits.targets, digits.weights, text.tokens, text.targets]);
}

main().catch((e) => { console.error(e); process.exit(1); });
