// The attention lecture's long runs, each writing data/attention/<experiment>-seed-<seed>/ (weights
// and record; the ablations write a record only):
//   sort        a decoder-only Transformer the size of minGPT's demo (3 layers, width 48, 3 heads)
//               sorts 6 digits from {0, 1, 2}; scored on 5,000 fresh sequences
//   ambiguity   the encoder-decoder Transformer and the GRU encoder-decoder of about as many weights,
//               the same steps on sentences of 12 words, the cue 1..11 words away; scored per
//               distance on 500 fresh sentences, with the Transformer's attention on the cue;
//               --length 24 trains the pair on longer sentences (folder ambiguity-length-24-seed-N)
//   ablations   the same Transformer without residuals, without norm, post-norm, one head, no
//               positions, each the same steps, scored as above
//   language    a decoder-only character model of the lectures' own prose, held-out bits per character
//               every 250 steps; the text it trained on is kept beside it as corpus.txt
// Usage: npm run attention -- --experiment ambiguity --seed 1 [--steps 6000]
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '../lib/core/tf';
import { initBackend } from '../lib/core/backend';
import { Key } from '../lib/core/random';
import { adam } from '../lib/core/adam';
import { train } from '../lib/core/train';
import { parameterCount } from '../lib/nn';
import {
  AttentionModel, CausalTransformer, CueAttention, ModelSpec, SOURCE_VOCABULARY, Seq2SeqTransformer, SequenceToSequence, TARGET_VOCABULARY,
  ABLATIONS, ALPHABET, GRU_WIDTH, SENTENCE_LENGTH, SORTER, TRANSLATOR, WRITER, ambiguityAccuracy, ambiguityBatch, buildModel, cueAttention, encodeText, lectureCorpus,
  saveModel, sequenceCrossEntropy, sortAccuracy, sortBatch, textBatch,
} from '../lib/attention';
import { parseArgs } from './args';

async function fit(model: AttentionModel, loss: (k: Key) => tf.Scalar, key: Key, steps: number, learningRate: number, label: string, onStep?: (step: number) => void) {
  const optimizer = adam(learningRate);
  try {
    return await train(key, (k) => loss(k), { steps, optimizer, variables: model.variables, label, progress: 'lines', onStep });
  } finally {
    optimizer.dispose();
  }
}

/** Sentences with the cue at a uniformly drawn distance 1..L−1 (the distance keyed per step). */
function translationLoss(model: SequenceToSequence, length: number) {
  return (k: Key) => {
    const distance = 1 + (k.foldIn(1).seed() % (length - 1));
    const b = ambiguityBatch(k, 64, length, distance);
    const loss = sequenceCrossEntropy(model.apply(b.source, b.targetIn).logits, b.targetOut);
    tf.dispose([b.source, b.targetIn, b.targetOut]);
    return loss;
  };
}

async function translator(spec: ModelSpec, key: Key, steps: number, label: string, length = SENTENCE_LENGTH) {
  const model = buildModel(spec, key.foldIn(1)) as SequenceToSequence & AttentionModel;
  const t = await fit(model, translationLoss(model, length), key.foldIn(2), steps, 3e-3, label);
  const distances = Array.from({ length: length - 1 }, (_, i) => i + 1);
  const scores = ambiguityAccuracy(model, Key.fromSeed(1000), length, distances, 500);
  let cue: CueAttention | undefined;
  if (model instanceof Seq2SeqTransformer) {
    const b = ambiguityBatch(Key.fromSeed(2000), 500, length, 5);
    cue = cueAttention(model, b);
    tf.dispose([b.source, b.targetIn, b.targetOut]);
  }
  return { model, record: { label, parameters: parameterCount(model.variables), seconds: t.seconds, finalLoss: t.losses.slice(-100).reduce((s, v) => s + v, 0) / 100, scores, cueAttention: cue } };
}

async function main(): Promise<void> {
  const args = parseArgs({ experiment: 'ambiguity', seed: '1', steps: '6000', length: String(SENTENCE_LENGTH), out: 'data/attention' });
  await initBackend();
  const seed = Number(args.seed), steps = Number(args.steps), length = Number(args.length);
  const key = Key.fromSeed(seed);
  const lengthTag = length === SENTENCE_LENGTH ? '' : `-length-${length}`;
  const dir = path.join(args.out, `${args.experiment}${lengthTag}-seed-${seed}`);
  const command = `npm run attention -- ${process.argv.slice(2).join(' ')}`;
  const base = { experiment: args.experiment, seed, steps, command };
  if (args.experiment === 'sort') {
    const spec: ModelSpec = { kind: 'causal', config: SORTER, vocab: 3 };
    const lm = buildModel(spec, key.foldIn(1)) as CausalTransformer;
    const t = await fit(lm, (k) => {
      const b = sortBatch(k, 64);
      const loss = sequenceCrossEntropy(lm.apply(b.tokens).logits, b.targets, b.weights);
      tf.dispose([b.tokens, b.targets, b.weights]);
      return loss;
    }, key.foldIn(2), steps, 5e-4, 'sort');
    const accuracy = sortAccuracy(lm, Key.fromSeed(1000), 5000);
    saveModel(dir, spec, lm, { ...base, parameters: parameterCount(lm.variables), seconds: t.seconds, testSequences: 5000, accuracy });
    console.log(`[attention] sort: ${(100 * accuracy).toFixed(2)} % of 5,000 sorted exactly; wrote ${dir}`);
    lm.dispose();
  } else if (args.experiment === 'ambiguity') {
    const config = { ...TRANSLATOR, maxLength: Math.max(TRANSLATOR.maxLength, length) };
    const specs: ModelSpec[] = [
      { kind: 'seq2seq', config, sourceVocab: SOURCE_VOCABULARY.size, targetVocab: TARGET_VOCABULARY.size },
      { kind: 'gru', width: GRU_WIDTH, sourceVocab: SOURCE_VOCABULARY.size, targetVocab: TARGET_VOCABULARY.size },
    ];
    for (const spec of specs) {
      const { model, record } = await translator(spec, key, steps, spec.kind === 'gru' ? 'GRU' : 'Transformer', length);
      saveModel(path.join(dir, spec.kind), spec, model, { ...base, length, ...record });
      console.log(`[attention] ${record.label}: disambiguated ${record.scores.map((s) => s.disambiguated.toFixed(2)).join(' ')} (distances 1..${length - 1})`);
      model.dispose();
    }
  } else if (args.experiment === 'ablations') {
    const runs = [];
    for (const [label, change] of Object.entries(ABLATIONS)) {
      const spec: ModelSpec = { kind: 'seq2seq', config: { ...TRANSLATOR, ...change }, sourceVocab: SOURCE_VOCABULARY.size, targetVocab: TARGET_VOCABULARY.size };
      const { model, record } = await translator(spec, key, steps, label);
      runs.push({ ...record, config: spec.config });
      model.dispose();
    }
    fs.mkdirSync(args.out, { recursive: true });
    fs.writeFileSync(`${dir}.json`, JSON.stringify({ ...base, runs }, null, 1) + '\n');
    console.log(`[attention] ablations written to ${dir}.json`);
  } else if (args.experiment === 'language') {
    const text = lectureCorpus('notebooks');
    const ids = encodeText(text);
    const cut = Math.floor(0.9 * ids.length);
    const [trainIds, heldOut] = [ids.subarray(0, cut), ids.subarray(cut)];
    const spec: ModelSpec = { kind: 'causal', config: WRITER, vocab: ALPHABET.length };
    const lm = buildModel(spec, key.foldIn(1)) as CausalTransformer;
    const b = textBatch(Key.fromSeed(1000), heldOut, 200, WRITER.maxLength);
    const heldOutBits = () => tf.tidy(() => sequenceCrossEntropy(lm.apply(b.tokens).logits, b.targets).dataSync()[0]) / Math.LN2;
    const heldOutCurve: [number, number][] = [];
    const t = await fit(lm, (k) => {
      const batch = textBatch(k, trainIds, 32, WRITER.maxLength);
      const loss = sequenceCrossEntropy(lm.apply(batch.tokens).logits, batch.targets);
      tf.dispose([batch.tokens, batch.targets]);
      return loss;
    }, key.foldIn(2), steps, 1e-3, 'language', (step) => { if ((step + 1) % 250 === 0) heldOutCurve.push([step + 1, heldOutBits()]); });
    const bits = heldOutBits();
    tf.dispose([b.tokens, b.targets]);
    const trainingBits = t.losses.slice(-100).reduce((s, v) => s + v, 0) / 100 / Math.LN2;
    saveModel(dir, spec, lm, { ...base, characters: ids.length, heldOutCharacters: heldOut.length, parameters: parameterCount(lm.variables), seconds: t.seconds, heldOutBitsPerCharacter: bits, trainingBitsPerCharacter: trainingBits, heldOutCurve });
    fs.writeFileSync(path.join(dir, 'corpus.txt'), text + '\n'); // the text as trained on: the lectures change
    console.log(`[attention] language: ${bits.toFixed(3)} bits per held-out character (${trainingBits.toFixed(3)} in training); wrote ${dir}`);
    lm.dispose();
  } else {
    throw new Error(`unknown --experiment ${args.experiment}: use sort, ambiguity, ablations or language`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
