// Saves and loads named variables as a JSON manifest plus one little-endian float32 file. The
// manifest records the binary's CRC-32, so a damaged or foreign file is refused by name on load.
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '../core/tf';
import { DataError } from '../core/errors';
import { crc32 } from '../core/crc32';

interface Manifest {
  format: 'vi-lectures-weights/1';
  meta: unknown;
  tensors: { name: string; shape: number[]; offset: number }[];
  /** CRC-32 of weights.bin (manifests written before it was recorded have none) */
  crc32?: number;
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
  const bytes = new Uint8Array(all.buffer);
  fs.writeFileSync(path.join(dir, 'weights.bin'), bytes);
  const manifest: Manifest = {
    format: 'vi-lectures-weights/1',
    meta,
    tensors,
    crc32: crc32(bytes),
  };
  fs.writeFileSync(path.join(dir, 'weights.json'), JSON.stringify(manifest, null, 1) + '\n');
}

/** Reads the manifest's meta without loading tensors. */
export function readWeightsMeta(dir: string): unknown {
  return readManifest(dir).meta;
}

function readManifest(dir: string): Manifest {
  const file = path.join(dir, 'weights.json');
  if (!fs.existsSync(file))
    throw new DataError(
      `no weights at ${file}`,
      'train them first with `npm run train:vae`, or pass the folder that holds weights.json',
    );
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
  } catch (e) {
    throw new DataError(
      `${file} is not valid JSON (${(e as Error).message})`,
      'the file was cut or edited: restore it from the repository or train again',
    );
  }
  if (manifest.format !== 'vi-lectures-weights/1')
    throw new DataError(
      `${file} has format ${manifest.format}`,
      'pass a weights folder written by saveWeights',
    );
  return manifest;
}

/** The binary's values, checked against the manifest: size, checksum, finiteness. */
function readValues(dir: string, manifest: Manifest): Float32Array {
  const file = path.join(dir, 'weights.bin');
  if (!fs.existsSync(file))
    throw new DataError(
      `${dir} has weights.json but no weights.bin`,
      'copy both files of the weights folder',
    );
  const bin = fs.readFileSync(file);
  const expected =
    4 * Math.max(0, ...manifest.tensors.map((t) => t.offset + t.shape.reduce((a, b) => a * b, 1)));
  if (bin.byteLength !== expected) {
    throw new DataError(
      `${file} has ${bin.byteLength} bytes but its manifest describes ${expected}`,
      'the file was cut, extended or replaced: restore it from the repository or train again',
    );
  }
  const bytes = new Uint8Array(bin.buffer, bin.byteOffset, bin.byteLength);
  if (manifest.crc32 !== undefined && crc32(bytes) !== manifest.crc32) {
    throw new DataError(
      `${file} does not match the CRC-32 recorded in weights.json`,
      'the bytes were changed after saving: restore the file from the repository or train again',
    );
  }
  const all = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  const bad = all.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    const t = manifest.tensors.find(
      (x) => bad >= x.offset && bad < x.offset + x.shape.reduce((a, b) => a * b, 1),
    );
    throw new DataError(
      `${file} holds ${all[bad]} in ${t?.name ?? 'an unnamed range'}`,
      'a model with non-finite weights computes NaN: train it again',
    );
  }
  return all;
}

/**
 * loadWeights into a model built just for it: if the file is refused, `dispose` frees the model
 * before the error goes on, so a failed load leaves no tensors behind.
 */
export function loadWeightsOrDispose(dir: string, variables: [string, tf.Variable][], dispose: () => void): void {
  try {
    loadWeights(dir, variables);
  } catch (e) {
    dispose();
    throw e;
  }
}

/** Assigns saved values to `variables`, matched by name and checked by shape; all checks come first. */
export function loadWeights(dir: string, variables: [string, tf.Variable][]): unknown {
  const manifest = readManifest(dir);
  const all = readValues(dir, manifest);
  const byName = new Map(manifest.tensors.map((t) => [t.name, t]));
  const plan = variables.map(([name, v]) => {
    const t = byName.get(name);
    if (!t)
      throw new DataError(
        `${dir} has no tensor named ${name}`,
        'load weights saved from a model with the same configuration',
      );
    if (t.shape.join() !== v.shape.join()) {
      throw new DataError(
        `${dir}: ${name} is saved with shape [${t.shape}] but the model needs [${v.shape}]`,
        'build the model with the configuration stored in weights.json',
      );
    }
    return { v, t, size: t.shape.reduce((a, b) => a * b, 1) };
  });
  for (const { v, t, size } of plan) {
    const value = tf.tensor(all.subarray(t.offset, t.offset + size), t.shape);
    v.assign(value);
    value.dispose();
  }
  return manifest.meta;
}
