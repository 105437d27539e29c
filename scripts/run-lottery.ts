// Lottery-ticket runs on MNIST with LeNet-300-100 for lecture 15, too long for a notebook. Each
// experiment and seed writes data/lottery/<experiment>-seed-<seed>.json:
//   ladder     Frankle and Carbin's schedule (20% of the hidden layers, 10% of the output layer
//              per round) for 18 rounds, with the two controls at 51.3, 21.1, 7.0, 3.6 and 1.9%
//   global     the same network pruned globally (36% of all remaining weights per round)
//   rewind     pruning rewound to iteration 0 and to iteration k of the dense run
//   necessity  disjoint tickets: search a ticket, remove it, search again; and the full network
//              with its known tickets' weights re-drawn
// Usage: npm run lottery -- --experiment ladder --seed 1 [--iterations 10000]
// Seeds run as separate processes (VI_WASM_THREADS=1 each: two single-threaded runs side by side
// train faster on two cores than one run on both).
import * as fs from 'fs';
import * as path from 'path';
import { initBackend } from '../lib/core/backend';
import { loadMnist } from '../lib/data/images';
import {
  LENET_300_100,
  LENET_PRUNING_RATES,
  Masks,
  MaskedNetwork,
  NetworkState,
  PruningLevel,
  combinedRates,
  encodeMasks,
  glorotNormalState,
  iterativePruning,
  remainingFraction,
  remainingPerLayer,
  summarize,
  ticketKeys,
  trainClassifier,
  trainSubnetwork,
  validationSplit,
} from '../lib/lottery';
import { Key } from '../lib/core/random';
import { parseArgs } from './args';

/** Rounds of the paper's schedule that give 51.3, 21.1, 7.0, 3.6 and 1.9% of the weights. */
const LADDER_ROUNDS = [3, 7, 12, 15, 18];
/** Levels whose masks are shipped (21.1, 7.0 and 1.9%). */
const SHIPPED_MASK_ROUNDS = [7, 12, 18];
/** Three of the paper's rounds at once: hidden layers lose 48.8% of their weights, the output layer 27.1%. */
const TRIPLE_RATES = combinedRates(LENET_PRUNING_RATES, 3);

function levelSummary(level: PruningLevel) {
  return { round: level.round, remaining: level.remaining, remainingPerLayer: level.remainingPerLayer, ticket: summarize(level.run) };
}

async function ladder(seed: number, data: ReturnType<typeof validationSplit>, train: { iterations: number; progress: 'lines' }) {
  const levels: any[] = [];
  await iterativePruning(seed, data, {
    ...train, sizes: LENET_300_100, rounds: 18, rates: LENET_PRUNING_RATES, label: `seed ${seed} round`,
    onLevel: async (level, init) => {
      const entry: any = levelSummary(level);
      if (LADDER_ROUNDS.includes(level.round)) {
        for (const kind of ['reinit', 'random'] as const) {
          entry[kind] = summarize(await trainSubnetwork(kind, seed, level, init, data, { ...train, sizes: LENET_300_100 }));
        }
      }
      if (SHIPPED_MASK_ROUNDS.includes(level.round)) entry.masks = encodeMasks(level.masks);
      levels.push(entry);
    },
  });
  return { levels };
}

async function globalPruning(seed: number, data: ReturnType<typeof validationSplit>, train: { iterations: number; progress: 'lines' }) {
  const levels = await iterativePruning(seed, data, { ...train, sizes: LENET_300_100, rounds: 9, rates: 1 - 0.8 ** 2, label: `global seed ${seed} round` });
  return { rate: 1 - 0.8 ** 2, levels: levels.map(levelSummary) };
}

async function rewind(seed: number, data: ReturnType<typeof validationSplit>, train: { iterations: number; progress: 'lines' }, k: number) {
  const out: any = { rates: TRIPLE_RATES, rewindIterations: [0, k], runs: {} };
  for (const at of [0, k]) {
    const levels = await iterativePruning(seed, data, {
      ...train, sizes: LENET_300_100, rounds: 6, rates: TRIPLE_RATES, rewindIteration: at || undefined, label: `rewind ${at} round`,
    });
    out.runs[at] = levels.map(levelSummary);
  }
  return out;
}

/** The initial weights with the weights in `where` drawn afresh (the rest, and the biases, unchanged). */
function redrawn(init: NetworkState, where: Masks, key: Key): NetworkState {
  const fresh = glorotNormalState(key, LENET_300_100);
  return {
    weights: init.weights.map((w, l) => w.map((v, i) => (where[l][i] ? fresh.weights[l][i] : v))),
    biases: init.biases,
  };
}

async function necessity(seed: number, data: ReturnType<typeof validationSplit>, train: { iterations: number; progress: 'lines' }, searches: number) {
  const keys = ticketKeys(seed);
  const init = glorotNormalState(keys.init, LENET_300_100);
  const counts = LENET_300_100.slice(1).map((n, l) => LENET_300_100[l] * n);
  let found: Masks = counts.map((n) => new Uint8Array(n)); // the union of the tickets found so far
  const results: any[] = [];
  for (let s = 0; s < searches; s++) {
    const entry: any = { search: s, removedFraction: remainingFraction(found) };
    // the full network with the known tickets' weights drawn afresh: does it still train as well?
    const net = new MaskedNetwork(LENET_300_100, keys.init);
    net.load(redrawn(init, found, keys.reinit(1000 + s)));
    entry.redrawnInside = summarize(await trainClassifier(net, data, keys.batches, { ...train, label: `redrawn ${s}` }));
    net.dispose();
    // a new ticket among the weights no earlier ticket holds: 4 triple rounds leave 6.9% of them
    const available = found.map((m) => m.map((v) => 1 - v));
    const levels = await iterativePruning(seed, data, {
      ...train, sizes: LENET_300_100, rounds: 4, rates: TRIPLE_RATES, initialMasks: available, label: `search ${s} round`,
      onLevel: async (level) => {
        if (level.round === 4) entry.reinit = summarize(await trainSubnetwork('reinit', seed, { round: 100 + s, masks: level.masks }, init, data, { ...train, sizes: LENET_300_100 }));
      },
    });
    entry.levels = levels.map(levelSummary);
    const ticket = levels[levels.length - 1].masks;
    entry.ticketRemaining = remainingFraction(ticket);
    entry.ticketPerLayer = remainingPerLayer(ticket);
    entry.masks = encodeMasks(ticket);
    found = found.map((m, l) => m.map((v, i) => v | ticket[l][i]));
    results.push(entry);
  }
  return { searches: results };
}

async function main() {
  const args = parseArgs({ experiment: 'ladder', seed: '1', iterations: '10000', rewind: '500', searches: '4', out: '' });
  const backend = await initBackend();
  const seed = Number(args.seed);
  const data = validationSplit(loadMnist());
  const train = { iterations: Number(args.iterations), progress: 'lines' as const };
  const start = Date.now();
  const experiments: Record<string, () => Promise<object>> = {
    ladder: () => ladder(seed, data, train),
    global: () => globalPruning(seed, data, train),
    rewind: () => rewind(seed, data, train, Number(args.rewind)),
    necessity: () => necessity(seed, data, train, Number(args.searches)),
  };
  const run = experiments[args.experiment];
  if (!run) throw new Error(`unknown experiment '${args.experiment}'; known: ${Object.keys(experiments).join(', ')}`);
  const result = await run();
  const out = args.out || `data/lottery/${args.experiment}-seed-${seed}.json`;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const record = {
    experiment: args.experiment, seed, sizes: LENET_300_100, iterations: train.iterations, batchSize: 60, learningRate: 1.2e-3,
    evaluateEvery: 100, validation: 'the first 5,000 training images', backend, minutes: (Date.now() - start) / 60000, ...result,
  };
  fs.writeFileSync(out, JSON.stringify(record) + '\n');
  console.log(`wrote ${out} after ${record.minutes.toFixed(1)} min`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
