// Saves and loads named variables as a JSON manifest plus one little-endian float32 file.
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '../core/tf';
import { DataError } from '../core/errors';

interface Manifest {
  format: 'vi-lectures-weights/1';
  meta: unknown;
  tensors: { name: string; shape: number[]; offset: number }[];
}

/** Writes `dir/weights.json` and `dir/weights.bin`. `meta` is stored as given (config, provenance). */
export function saveWeights(dir: string, variables: [string, tf.Variable][], meta: unknown): void {
  fs.mkdirSync(dir, { recursive: true });
  const tensors: Manifest['tensors'] = [];
  const chunks: Float32Array[] = [];
  let offset = 0;
  for (const [name, v] of variables) {
    const data = v.dataSync() as Float32Array;
    tensors.push({ name, shape: v.shape, offset });
    chunks.push(data);
    offset += data.length;
  }
  const all = new Float32Array(offset);
  chunks.reduce((o, c) => (all.set(c, o), o + c.length), 0);
  fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.from(all.buffer));
  const manifest: Manifest = { format: 'vi-lectures-weights/1', meta, tensors };
  fs.writeFileSync(path.join(dir, 'weights.json'), JSON.stringify(manifest, null, 1) + '\n');
}

/** Reads the manifest's meta without loading tensors. */
export function readWeightsMeta(dir: string): unknown {
  return readManifest(dir).meta;
}

function readManifest(dir: string): Manifest {
  const file = path.join(dir, 'weights.json');
  if (!fs.existsSync(file)) throw new DataError(`no weights at ${file}`, 'train them first with `npm run train:vae`, or pass the folder that holds weights.json');
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
  if (manifest.format !== 'vi-lectures-weights/1') throw new DataError(`${file} has format ${manifest.format}`, 'pass a weights folder written by saveWeights');
  return manifest;
}

/** Assigns saved values to `variables`, matched by name and checked by shape. */
export function loadWeights(dir: string, variables: [string, tf.Variable][]): unknown {
  const manifest = readManifest(dir);
  const bin = fs.readFileSync(path.join(dir, 'weights.bin'));
  const all = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  const byName = new Map(manifest.tensors.map((t) => [t.name, t]));
  for (const [name, v] of variables) {
    const t = byName.get(name);
    if (!t) throw new DataError(`${dir} has no tensor named ${name}`, 'load weights saved from a model with the same configuration');
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (t.shape.join() !== v.shape.join() || t.offset + size > all.length) {
      throw new DataError(`${dir}: ${name} is saved with shape [${t.shape}] but the model needs [${v.shape}]`, 'build the model with the configuration stored in weights.json');
    }
    const value = tf.tensor(all.subarray(t.offset, t.offset + size), t.shape);
    v.assign(value);
    value.dispose();
  }
  return manifest.meta;
}
