// Iterative magnitude pruning (train, prune the smallest weights, rewind the rest, repeat) and the
// paper's two controls: the same mask with fresh random weights, and a random mask of the same
// per-layer sizes with the original weights. One seed's key fixes the initial weights, the
// minibatch order (the same for every run, so the comparisons are paired) and the controls' draws.
import { Key } from '../core/random';
import { ParameterError, checkInt } from '../core/errors';
import { Masks, pruneByMagnitude, pruneGlobally, randomMasksLike, remainingFraction, remainingPerLayer } from './masks';
import { MaskedNetwork, NetworkState, glorotNormalState } from './masked-network';
import { ClassifierData, ClassifierRun, TrainClassifierOptions, trainClassifier } from './train-classifier';

/** Frankle and Carbin's LeNet schedule: 20% of each hidden layer's remaining weights per round, 10% of the output layer's. */
export const LENET_PRUNING_RATES = [0.2, 0.2, 0.1];

/** The three kinds of sparse network the paper compares. */
export type SubnetworkKind = 'ticket' | 'reinit' | 'random';

/** The keys one seed's experiment draws from. */
export function ticketKeys(seed: number) {
  const root = Key.fromSeed(seed);
  return {
    init: root.foldIn(0),
    batches: root.foldIn(1),
    reinit: (level: number) => root.foldIn(2).foldIn(level),
    randomMask: (level: number) => root.foldIn(3).foldIn(level),
  };
}

export interface PruningLevel {
  round: number;
  remaining: number;
  remainingPerLayer: number[];
  masks: Masks;
  run: ClassifierRun;
}

export interface ImpOptions extends TrainClassifierOptions {
  sizes: number[];
  /** Pruning rounds after the dense run. */
  rounds: number;
  /** One rate per layer (layer-wise pruning) or a single number (global pruning). */
  rates: number[] | number;
  /** Masks to start from (weights they prune are never used): the dense network by default. */
  initialMasks?: Masks;
  /** Rewind to the weights after this many iterations of the dense run instead of the initial ones. */
  rewindIteration?: number;
  /** Called after each level's training, before pruning: for controls and saving. */
  onLevel?: (level: PruningLevel, init: NetworkState) => void | Promise<void>;
}

/**
 * Iterative magnitude pruning for one seed: round 0 trains the dense network; each later round
 * prunes the trained weights, rewinds the survivors and trains again. Returns every level.
 */
export async function iterativePruning(seed: number, data: ClassifierData, options: ImpOptions): Promise<PruningLevel[]> {
  checkInt('rounds', options.rounds, 0);
  const keys = ticketKeys(seed);
  const net = new MaskedNetwork(options.sizes, keys.init);
  const levels: PruningLevel[] = [];
  try {
    if (options.initialMasks) net.setMasks(options.initialMasks);
    let rewindTo = net.state();
    for (let round = 0; round <= options.rounds; round++) {
      const masks = net.masks;
      const saveAt = round === 0 ? options.rewindIteration : undefined;
      const run = await trainClassifier(net, data, keys.batches, { ...options, saveAt, label: `${options.label ?? 'round'} ${round}: ${(100 * remainingFraction(masks)).toFixed(1)}%` });
      const level = { round, remaining: remainingFraction(masks), remainingPerLayer: remainingPerLayer(masks), masks, run };
      levels.push(level);
      if (run.saved) rewindTo = run.saved;
      if (options.onLevel) await options.onLevel(level, rewindTo);
      if (round === options.rounds) break;
      const trained = net.state().weights;
      const next = typeof options.rates === 'number' ? pruneGlobally(trained, masks, options.rates) : pruneByMagnitude(trained, masks, options.rates);
      net.setMasks(next);
      net.load(rewindTo);
    }
  } finally {
    net.dispose();
  }
  return levels;
}

/**
 * Trains one sparse network of the given kind at a pruning level: the ticket (its mask, the
 * original weights), its random re-initialisation, or a random mask of the same per-layer sizes.
 */
export async function trainSubnetwork(kind: SubnetworkKind, seed: number, level: { round: number; masks: Masks }, init: NetworkState,
  data: ClassifierData, options: TrainClassifierOptions & { sizes: number[] }): Promise<ClassifierRun> {
  const keys = ticketKeys(seed);
  if (!['ticket', 'reinit', 'random'].includes(kind)) throw new ParameterError(`unknown kind '${kind}'`, "use 'ticket', 'reinit' or 'random'");
  const net = new MaskedNetwork(options.sizes, keys.init);
  try {
    net.setMasks(kind === 'random' ? randomMasksLike(keys.randomMask(level.round), level.masks) : level.masks);
    net.load(kind === 'reinit' ? glorotNormalState(keys.reinit(level.round), options.sizes) : init);
    return await trainClassifier(net, data, keys.batches, { ...options, label: `${kind} ${(100 * remainingFraction(net.masks)).toFixed(1)}%` });
  } finally {
    net.dispose();
  }
}
