// The uncertainty-autoencoder lecture's long runs.
//   --experiment train: for every m of --ms, a UAE with a learned W and one with the Gaussian W it
//     starts from, trained --epochs epochs on the training images of --dataset; each model's record
//     (training curve, time, test error over all 10,000 test images) goes to
//     <out>/<dataset>/record-m-<m>-<learned|random>.json, and the weights of the m in --save to
//     <out>/<dataset>/m-<m>-<learned|random>/.
//   --experiment baselines: PCA with its optimal linear decoder, and LASSO (lambda chosen on 1,000
//     held-out training images) on all 10,000 test images, and compressed sensing with lecture 1's
//     VAE as the generator on the first --cs-images, for every m; <out>/<dataset>/baselines.json
//     (rows of other m already there are kept).
//   --experiment transfer: for every m of --ms, the learned W shipped in <out>/<from>/m-<m>-learned,
//     frozen, with a new decoder trained --epochs epochs on --dataset; the record goes to
//     <out>/<dataset>/record-m-<m>-from-<from>.json and the weights of the m in --save to
//     <out>/<dataset>/m-<m>-from-<from>/.
// Usage: npm run uae -- --experiment train --dataset mnist --ms 2,5,10,25,50,100 --epochs 10 --save 10,25
//        npm run uae -- --experiment transfer --from fashion --dataset mnist --ms 10,25 --epochs 5 --save 10
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '../lib/core/tf';
import { initBackend } from '../lib/core/backend';
import { blockMeans } from '../lib/core/stats';
import { Key } from '../lib/core/random';
import { loadImages, pixelRange } from '../lib/data';
import {
  Uae, dataStatistics, measure, recoverWithGenerator, gaussianMeasurement, lassoReconstructions, optimalLinearDecoder, principalDirections, reconstructionError,
  trainUae, tuneLasso, uaeReconstructions, withEnergy, withFrozenMeasurement,
} from '../lib/sensing';
import { Vae } from '../lib/vae/vae';
import { parseArgs } from './args';

const args = parseArgs({ experiment: 'train', dataset: 'mnist', ms: '2,5,10,25,50,100', epochs: '10', batch: '100', lr: '1e-3', sigma: '0.1', seed: '1', save: '10,25', out: 'data/uae', kinds: 'learned,random', vae: 'data/vae-mnist', 'cs-images': '300', 'cs-steps': '300', 'cs-restarts': '5', from: '' });
const command = `npm run uae -- ${process.argv.slice(2).join(' ')}`;

/** The learned W shipped in `dir`, frozen, with the decoder a model of this data set starts from. */
function transferred(dir: string, key: Key): Uae {
  const { uae: source } = Uae.load(dir);
  const uae = withFrozenMeasurement(source, key);
  source.dispose();
  return uae;
}

async function main(): Promise<void> {
  await initBackend();
  const dataset = args.dataset === 'fashion' ? 'fashion-mnist' : 'mnist';
  const images = loadImages(dataset);
  const dir = path.join(args.out, args.dataset);
  fs.mkdirSync(dir, { recursive: true });
  const seed = Number(args.seed);
  const key = Key.fromSeed(seed);
  const sigma = Number(args.sigma);
  const ms = args.ms.split(',').map(Number);
  const test = pixelRange(images.test, 0, images.test.n);
  if (args.experiment === 'train' || args.experiment === 'transfer') {
    const save = args.save.split(',').map(Number);
    const kinds = args.experiment === 'train' ? args.kinds.split(',') : [`from-${args.from}`];
    if (args.experiment === 'transfer' && !['mnist', 'fashion'].includes(args.from))
      throw new Error(`--experiment transfer needs --from mnist or --from fashion (got "${args.from}")`);
    for (const m of ms) for (const kind of kinds) {
      // the learned W starts from the Gaussian W that the random model keeps; a transferred one is
      // the source's learned W, frozen, with the decoder this data set's models start from
      const uae = args.experiment === 'train'
        ? new Uae({ m, sigma, learnMeasurement: kind === 'learned' }, key.foldIn(m))
        : transferred(path.join(args.out, args.from, `m-${m}-learned`), key.foldIn(m));
      const steps = Math.round((Number(args.epochs) * images.train.n) / Number(args.batch));
      const t = await trainUae(uae, images.train, key.foldIn(1000 + m), { steps, batchSize: Number(args.batch), learningRate: Number(args.lr), label: `${args.dataset} m = ${m} ${kind}`, progress: 'lines' });
      const xHat = uaeReconstructions(uae, test, key.foldIn(2000 + m));
      const error = reconstructionError(test, xHat);
      xHat.dispose();
      const every = Math.max(1, Math.floor(steps / 200));
      const record = {
        experiment: 'uae-train', dataset, m, kind, sigma, seed, ...(args.experiment === 'transfer' ? { measurementFrom: path.join(args.out, args.from, `m-${m}-learned`) } : {}), epochs: Number(args.epochs), batch: Number(args.batch), learningRate: Number(args.lr),
        steps, seconds: t.seconds, config: uae.config, testError: error,
        curve: blockMeans(t.losses, every),
        command,
      };
      fs.writeFileSync(path.join(dir, `record-m-${m}-${kind}.json`), JSON.stringify(record) + '\n');
      if (save.includes(m)) uae.save(path.join(dir, `m-${m}-${kind}`), record);
      console.log(`[uae] ${args.dataset} m = ${m} ${kind}: test ||x - x_hat|| ${error.l2.toFixed(3)}, squared ${error.squared.toFixed(3)}, ${t.seconds.toFixed(0)} s`);
      uae.dispose();
    }
  } else if (args.experiment === 'baselines') {
    const train = pixelRange(images.train, 0, images.train.n);
    const validation = tf.slice(train, [images.train.n - 1000, 0], [1000, -1]) as tf.Tensor2D;
    const stats = dataStatistics(train);
    const pca = principalDirections(stats, Math.max(...ms), key.foldIn(1));
    const rows: Record<string, unknown>[] = [];
    const { vae } = Vae.load(args.vae);
    const generator = (z: tf.Tensor2D) => tf.tidy(() => tf.sigmoid(vae.decoder.apply(z)) as tf.Tensor2D);
    const csImages = Number(args['cs-images']);
    const CS_PRIORS = [0.1, 1, 3]; // 0.1 is Bora et al.'s weight of ||z||^2 for their MNIST VAE; chosen per m on held-out digits
    const CS_LEARNING_RATE = 0.05;
    for (const m of ms) {
      const t0 = Date.now();
      const pcaW = tf.tidy(() => withEnergy(tf.slice(pca.directions, [0, 0], [m, -1]) as tf.Tensor2D, 784));
      const pcaDecoder = optimalLinearDecoder(pcaW, stats, sigma);
      const pcaHat = tf.tidy(() => pcaDecoder.decode(measure(test, pcaW, sigma, key.foldIn(5000 + m))));
      const pcaError = reconstructionError(test, pcaHat);
      // LASSO on the pixels, with the random model's Gaussian W (the same draw as the UAE's)
      const gaussian = gaussianMeasurement(key.foldIn(m).split(2)[0], m, 784);
      const w = withEnergy(gaussian, 784);
      const candidates = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1];
      const tuned = tuneLasso(validation, w, sigma, candidates, key.foldIn(3000 + m));
      const lassoHat = lassoReconstructions(test, w, sigma, tuned.lambda, key.foldIn(4000 + m));
      const lassoError = reconstructionError(test, lassoHat);
      // compressed sensing with lecture 1's VAE as the generator, on the first --cs-images test images
      const few = tf.slice(test, [0, 0], [csImages, -1]) as tf.Tensor2D;
      const recover = (x: tf.Tensor2D, prior: number, k: Key) => {
        const y = measure(x, w, sigma, k);
        const xHat = recoverWithGenerator(y, w, { generator, latentDim: vae.config.latentDim, prior, steps: Number(args['cs-steps']), restarts: Number(args['cs-restarts']), learningRate: CS_LEARNING_RATE }, k.foldIn(1));
        y.dispose();
        return xHat;
      };
      const heldOut = tf.slice(validation, [0, 0], [100, -1]) as tf.Tensor2D;
      const priorErrors = CS_PRIORS.map((prior) => {
        const xHat = recover(heldOut, prior, key.foldIn(8000 + m));
        const e = reconstructionError(heldOut, xHat).squared;
        xHat.dispose();
        return e;
      });
      heldOut.dispose();
      const CS_PRIOR = CS_PRIORS[priorErrors.indexOf(Math.min(...priorErrors))];
      const csHat = recover(few, CS_PRIOR, key.foldIn(6000 + m));
      const csError = reconstructionError(few, csHat);
      const lassoSlice = tf.slice(lassoHat, [0, 0], [csImages, -1]) as tf.Tensor2D;
      const lassoFew = reconstructionError(few, lassoSlice);
      lassoSlice.dispose();
      rows.push({
        m, pca: pcaError, lasso: { ...lassoError, lambda: tuned.lambda, candidates, validationSquared: tuned.errors },
        generative: { ...csError, images: csImages, prior: CS_PRIOR, priors: CS_PRIORS, validationSquared: priorErrors, steps: Number(args['cs-steps']), restarts: Number(args['cs-restarts']), learningRate: CS_LEARNING_RATE, lassoOnTheseImages: lassoFew },
        seconds: (Date.now() - t0) / 1000,
      });
      console.log(`[uae] ${args.dataset} m = ${m}: PCA ${pcaError.l2.toFixed(3)}, LASSO ${lassoError.l2.toFixed(3)} (lambda ${tuned.lambda}), VAE generator ${csError.l2.toFixed(3)} on ${csImages} images (LASSO ${lassoFew.l2.toFixed(3)} there)`);
      tf.dispose([few, csHat]);
      pcaDecoder.dispose();
      tf.dispose([pcaW, pcaHat, gaussian, w, lassoHat]);
    }
    // rows of other m from an earlier run stay, each with the command that made it
    const file = path.join(dir, 'baselines.json');
    const earlier = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined;
    const kept = (earlier?.rows ?? []).filter((r: { m: number }) => !ms.includes(r.m));
    const all = [...kept, ...rows.map((r) => ({ ...r, command }))].sort((a, b) => (a.m as number) - (b.m as number));
    fs.writeFileSync(file, JSON.stringify({ experiment: 'uae-baselines', dataset, sigma, seed, rows: all }, null, 1) + '\n');
    tf.dispose([train, validation, pca.directions]);
    vae.dispose();
  } else {
    throw new Error(`unknown --experiment ${args.experiment}; use train, transfer or baselines`);
  }
  test.dispose();
}

main().catch((e) => { console.error(e); process.exit(1); });
