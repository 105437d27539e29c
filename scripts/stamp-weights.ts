// Records the CRC-32 of weights.bin in every weights.json under a folder (for weights saved before
// saveWeights recorded it), after checking that the manifest and the binary agree.
// Usage: node dist/scripts/stamp-weights.js data
import * as fs from 'fs';
import * as path from 'path';
import { crc32 } from '../lib/core/crc32';

function manifests(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? manifests(path.join(dir, e.name))
        : e.name === 'weights.json'
          ? [path.join(dir, e.name)]
          : [],
    );
}

for (const file of manifests(process.argv[2] ?? 'data')) {
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
  const bytes = new Uint8Array(fs.readFileSync(path.join(path.dirname(file), 'weights.bin')));
  const values = Math.max(
    ...manifest.tensors.map(
      (t: { offset: number; shape: number[] }) => t.offset + t.shape.reduce((a, b) => a * b, 1),
    ),
  );
  if (bytes.byteLength !== 4 * values)
    throw new Error(`${file}: the binary has ${bytes.byteLength} bytes, not ${4 * values}`);
  manifest.crc32 = crc32(bytes);
  fs.writeFileSync(file, JSON.stringify(manifest, null, 1) + '\n');
  console.log(`${file}: crc32 ${manifest.crc32}`);
}
