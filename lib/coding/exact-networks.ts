// The VAE's networks evaluated for coding: in float64, in plain TypeScript, in one fixed order of
// operations. A sender and a receiver must compute the same quantized probabilities to the last
// bit; float32 kernels of different tfjs backends (or machines) sum in different orders and round
// differently, so a stream coded with one would decode wrongly with another. IEEE-754 float64
// arithmetic in a fixed order, with V8's own exp and log, gives the same bits everywhere.
import { crc32 } from '../core/crc32';
import { ParameterError } from '../core/errors';
import type { Activation, Mlp } from '../nn';
import type { Vae } from '../vae/vae';
import { ExactDenseKernel, Region } from './exact-dense';

/** One dense layer's weights copied out of tfjs: weight [in, out] row-major, bias [out]. */
interface ExactLayer {
  inputSize: number;
  outputSize: number;
  weight: Float64Array;
  bias: Float64Array;
  activation: Activation;
}

function softplus(v: number): number {
  return v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
}

function activate(v: number, activation: Activation): number {
  switch (activation) {
    case 'relu': return v > 0 ? v : 0;
    case 'tanh': return Math.tanh(v);
    case 'sigmoid': return 1 / (1 + Math.exp(-v));
    case 'softplus': return softplus(v);
    case 'linear': return v;
  }
}

/** An MLP's weights at this moment, evaluated in float64 with a fixed summation order. */
export class ExactMlp {
  private readonly layers: ExactLayer[];
  /** CRC-32 of the float32 weights and biases in layer order: names this exact network. */
  readonly fingerprint: number;

  constructor(mlp: Mlp) {
    const bytes: Uint8Array[] = [];
    this.layers = mlp.layers.map((layer) => {
      const w = layer.weight.dataSync() as Float32Array;
      const b = layer.bias.dataSync() as Float32Array;
      bytes.push(new Uint8Array(w.buffer, w.byteOffset, w.byteLength), new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
      return { inputSize: layer.inputSize, outputSize: layer.outputSize, weight: Float64Array.from(w), bias: Float64Array.from(b), activation: layer.activation };
    });
    const all = new Uint8Array(bytes.reduce((n, b) => n + b.length, 0));
    bytes.reduce((offset, b) => (all.set(b, offset), offset + b.length), 0);
    this.fingerprint = crc32(all);
  }

  get inputSize(): number {
    return this.layers[0].inputSize;
  }

  /**
   * One input vector -> the output vector. Each output starts at its bias and adds the inputs'
   * contributions in index order; zero inputs (most pixels, every inactive ReLU) add nothing and
   * are skipped, which leaves every sum unchanged.
   */
  apply(x: ArrayLike<number>): Float64Array {
    if (x.length !== this.inputSize) {
      throw new ParameterError(`the network takes ${this.inputSize} inputs, got ${x.length}`, `pass a vector of length ${this.inputSize}`);
    }
    let h: ArrayLike<number> = x;
    for (const { inputSize, outputSize, weight, bias, activation } of this.layers) {
      const out = Float64Array.from(bias);
      for (let i = 0; i < inputSize; i++) {
        const v = h[i];
        if (v === 0) continue;
        const row = i * outputSize;
        for (let j = 0; j < outputSize; j++) out[j] += v * weight[row + j];
      }
      if (activation !== 'linear') for (let j = 0; j < outputSize; j++) out[j] = activate(out[j], activation);
      h = out;
    }
    return h as Float64Array;
  }

  /**
   * Several input vectors -> their output vectors, each exactly as `apply` computes it (the same
   * sums in the same order), layer by layer over the whole batch in WebAssembly (exact-dense.ts):
   * each weight row is read once per batch, two outputs at a time.
   */
  applyBatch(xs: ArrayLike<number>[]): Float64Array[] {
    for (const x of xs) {
      if (x.length !== this.inputSize) {
        throw new ParameterError(`the network takes ${this.inputSize} inputs, got ${x.length}`, `pass vectors of length ${this.inputSize}`);
      }
    }
    if (xs.length === 0) return [];
    const k = this.kernelFor(xs.length);
    const input = k.kernel.view(k.activations[0]);
    xs.forEach((x, b) => input.set(x, b * this.inputSize));
    this.layers.forEach(({ inputSize, outputSize, activation }, l) => {
      const [from, to] = [k.activations[l % 2], k.activations[(l + 1) % 2]];
      k.kernel.dense(k.weights[l], k.biases[l], from, to, xs.length, inputSize, outputSize);
      if (activation !== 'linear') {
        const out = k.kernel.view(to);
        for (let i = 0; i < xs.length * outputSize; i++) out[i] = activate(out[i], activation);
      }
    });
    const width = this.layers[this.layers.length - 1].outputSize;
    const out = k.kernel.view(k.activations[this.layers.length % 2]);
    return xs.map((_, b) => out.slice(b * width, (b + 1) * width));
  }

  /** The kernel with this network's weights, and activations for `batch` rows (made once, grown when a batch is larger). */
  private kernelFor(batch: number): { kernel: ExactDenseKernel; weights: Region[]; biases: Region[]; activations: Region[]; batch: number } {
    if (this.batchKernel && this.batchKernel.batch >= batch) return this.batchKernel;
    const kernel = new ExactDenseKernel();
    const weights = this.layers.map((l) => kernel.alloc(l.weight.length));
    const biases = this.layers.map((l) => kernel.alloc(l.bias.length));
    this.layers.forEach((l, i) => { kernel.view(weights[i]).set(l.weight); kernel.view(biases[i]).set(l.bias); });
    const widest = Math.max(this.inputSize, ...this.layers.map((l) => l.outputSize));
    const activations = [kernel.alloc(batch * widest), kernel.alloc(batch * widest)];
    this.batchKernel = { kernel, weights, biases, activations, batch };
    return this.batchKernel;
  }
  private batchKernel: { kernel: ExactDenseKernel; weights: Region[]; biases: Region[]; activations: Region[]; batch: number } | null = null;
}

/** The smallest posterior scale, as in Vae.encode. */
const MIN_SCALE = 1e-4;

/** A VAE's encoder and decoder for coding; a snapshot of its weights when built. */
export class ExactVae {
  readonly encoder: ExactMlp;
  readonly decoder: ExactMlp;
  readonly latentDim: number;
  readonly dataDim: number;

  constructor(vae: Vae) {
    this.encoder = new ExactMlp(vae.encoder);
    this.decoder = new ExactMlp(vae.decoder);
    this.latentDim = vae.config.latentDim;
    this.dataDim = vae.config.dataDim;
  }

  /** q(z|x) = N(mu, sigma^2) for one image, as Vae.encode computes it. */
  encode(x: ArrayLike<number>): { mu: Float64Array; sigma: Float64Array } {
    return this.posteriorOf(this.encoder.apply(x));
  }

  /** The encoder's output as q's mean and scale. */
  private posteriorOf(h: Float64Array): { mu: Float64Array; sigma: Float64Array } {
    return { mu: h.slice(0, this.latentDim), sigma: h.slice(this.latentDim).map((v) => softplus(v) + MIN_SCALE) };
  }

  /** q(z|x) for several images at once, each exactly as `encode` gives it. */
  encodeBatch(xs: ArrayLike<number>[]): { mu: Float64Array; sigma: Float64Array }[] {
    return this.encoder.applyBatch(xs).map((h) => this.posteriorOf(h));
  }

  /** The decoder's logits for several latent vectors at once, each exactly as `decodeLogits` gives them. */
  decodeLogitsBatch(zs: ArrayLike<number>[]): Float64Array[] {
    return this.decoder.applyBatch(zs);
  }

  /** The decoder's Bernoulli logits for one latent vector. */
  decodeLogits(z: ArrayLike<number>): Float64Array {
    return this.decoder.apply(z);
  }

  /** Eight hex digits naming both networks' weights. */
  get fingerprint(): string {
    const both = new Uint8Array(8);
    new DataView(both.buffer).setUint32(0, this.encoder.fingerprint);
    new DataView(both.buffer).setUint32(4, this.decoder.fingerprint);
    return crc32(both).toString(16).padStart(8, '0');
  }
}
